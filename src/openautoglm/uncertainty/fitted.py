"""What a run fits for uncertainty on held-out predictions, stored in the bundle as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.uncertainty.abstain import (
    DEFAULT_TARGET_PRECISION,
    AbstainRule,
    fit_abstain_threshold,
)
from openautoglm.uncertainty.calibration import (
    expected_calibration_error,
    fit_temperature,
    nll,
    proba_to_logits,
    scale_proba,
)
from openautoglm.uncertainty.conformal import (
    DEFAULT_LAMBDA,
    METHODS,
    ConformalCalibrator,
    coverage_and_size,
    text_uniforms,
)
from openautoglm.uncertainty.errors import UncertaintyError, check_alpha

#: the bundle file that holds the fitted uncertainty (absent from older bundles)
UNCERTAINTY_FILE = "uncertainty.json"
#: the miscoverage a run calibrates its prediction sets for
DEFAULT_ALPHA = 0.1
#: the conformal score ``predict_set`` uses unless told otherwise
DEFAULT_METHOD = "raps"
#: calibration scores kept in the bundle (a random subsample beyond: still valid, smaller file)
MAX_STORED_SCORES = 5000
_FORMAT = 1


@dataclass
class UncertaintyModel:
    """Temperature, conformal calibrators (APS and RAPS) and the abstain rule of a model.

    Fitted on the final ensemble's out-of-fold probabilities; ``oof`` holds the figures
    measured there (rows, NLL and ECE before and after temperature scaling).
    """

    temperature: float
    alpha: float
    method: str
    conformal: dict[str, ConformalCalibrator]
    abstain: AbstainRule
    oof: dict[str, Any] = field(default_factory=dict)

    def calibrate(self, proba: np.ndarray) -> np.ndarray:
        """Temperature-scaled probabilities (same top label as ``proba``)."""
        return scale_proba(proba, self.temperature)

    def calibrator(self, method: str | None = None) -> ConformalCalibrator:
        """The conformal calibrator of ``method`` (default: the stored one)."""
        name = method or self.method
        if name not in self.conformal:
            raise UncertaintyError(
                f"unknown conformal method {name!r}; this model has {sorted(self.conformal)}"
            )
        return self.conformal[name]

    def quantile(self, alpha: float | None = None, method: str | None = None) -> float:
        """The conformal quantile at ``alpha`` (default: the calibrated alpha)."""
        return self.calibrator(method).quantile(self.alpha if alpha is None else alpha)

    def sets(
        self,
        calibrated: np.ndarray,
        texts: Sequence[str],
        alpha: float | None = None,
        method: str | None = None,
        nonempty: bool = False,
    ) -> list[np.ndarray]:
        """Prediction sets (label indices) from temperature-scaled probabilities of ``texts``.

        The texts give each row's uniform draw for randomised scores (``text_uniforms``);
        ``nonempty`` puts the top label in every set.
        """
        alpha = self.alpha if alpha is None else check_alpha(alpha)
        return self.calibrator(method).sets(calibrated, alpha, text_uniforms(texts), nonempty)

    def summary(self) -> dict[str, Any]:
        """The fitted values without the stored scores (for logs and the manifest's info)."""
        return {
            "temperature": self.temperature,
            "alpha": self.alpha,
            "method": self.method,
            "quantile": {m: self.quantile(method=m) for m in self.conformal},
            "abstain": self.abstain.to_json(),
            "oof": self.oof,
        }

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, stored scores included."""
        return {
            "format": _FORMAT,
            **self.summary(),
            "conformal": {m: c.to_json() for m, c in self.conformal.items()},
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> UncertaintyModel:
        """The inverse of ``to_json``."""
        if payload.get("format") != _FORMAT:
            raise UncertaintyError(
                f"unknown uncertainty format {payload.get('format')!r}; this openautoglm "
                f"reads format {_FORMAT}"
            )
        return cls(
            temperature=float(payload["temperature"]),
            alpha=check_alpha(payload["alpha"]),
            method=payload["method"],
            conformal={
                m: ConformalCalibrator.from_json(c) for m, c in payload["conformal"].items()
            },
            abstain=AbstainRule.from_json(payload["abstain"]),
            oof=dict(payload.get("oof", {})),
        )

    def write(self, folder: Path) -> Path:
        """Write ``UNCERTAINTY_FILE`` into ``folder``."""
        path = Path(folder) / UNCERTAINTY_FILE
        path.write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: Path) -> UncertaintyModel | None:
        """The model stored in ``folder``, or None when the bundle has none (older bundles)."""
        path = Path(folder) / UNCERTAINTY_FILE
        if not path.is_file():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def fit_uncertainty(
    proba: np.ndarray,
    y: np.ndarray,
    alpha: float = DEFAULT_ALPHA,
    method: str = DEFAULT_METHOD,
    target_precision: float = DEFAULT_TARGET_PRECISION,
    lam: float = DEFAULT_LAMBDA,
    max_scores: int = MAX_STORED_SCORES,
    seed: int = 0,
) -> UncertaintyModel:
    """Fit temperature, APS/RAPS calibrators and the abstain rule on held-out ``(proba, y)``.

    Rows with NaN (no held-out prediction) are left out. The conformal scores are those of
    the temperature-scaled probabilities, the ones ``predict_set`` scores at prediction. The
    temperature (one parameter) is fitted on the same rows; its effect on exchangeability is
    negligible next to n calibration rows. Scores are randomised (seeded draws), which
    brings coverage close to exactly 1 - alpha instead of well above it.
    """
    alpha = check_alpha(alpha)
    if method not in METHODS:
        raise UncertaintyError(f"unknown conformal method {method!r}; use one of {METHODS}")
    proba, y = np.asarray(proba, dtype=np.float64), np.asarray(y, dtype=int)
    rows = ~np.isnan(proba).any(axis=1)
    proba, y = proba[rows], y[rows]
    if len(y) == 0:
        raise UncertaintyError("no held-out predictions to calibrate on")
    logits = proba_to_logits(proba)
    temperature = fit_temperature(logits, y)
    calibrated = scale_proba(proba, temperature)
    u = np.random.default_rng(seed).uniform(size=len(y))
    conformal = {
        m: ConformalCalibrator.fit(calibrated, y, m, alpha, lam, u).subsample(max_scores, seed)
        for m in METHODS
    }
    correct = calibrated.argmax(axis=1) == y
    abstain = fit_abstain_threshold(calibrated.max(axis=1), correct, target_precision)
    oof = {
        "rows": int(len(y)),
        "nll_before": nll(logits, y),
        "nll_after": nll(logits, y, temperature),
        "ece_before": expected_calibration_error(proba, y),
        "ece_after": expected_calibration_error(calibrated, y),
    }
    return UncertaintyModel(temperature, alpha, method, conformal, abstain, oof)


def evaluate_uncertainty(
    fitted: UncertaintyModel, proba: np.ndarray, y: np.ndarray, texts: Sequence[str]
) -> dict[str, Any]:
    """Test-split figures: ECE before/after, set coverage and size (APS, RAPS), abstaining."""
    y = np.asarray(y, dtype=int)
    calibrated = fitted.calibrate(proba)
    report: dict[str, Any] = {
        "temperature": fitted.temperature,
        "ece_before": expected_calibration_error(proba, y),
        "ece_after": expected_calibration_error(calibrated, y),
        "alpha": fitted.alpha,
        "method": fitted.method,
        "calibration_rows": fitted.oof.get("rows"),
    }
    for method in fitted.conformal:
        coverage, size = coverage_and_size(fitted.sets(calibrated, texts, method=method), y)
        report[method] = {"coverage": coverage, "mean_set_size": size}
    answered = ~fitted.abstain.abstain(calibrated.max(axis=1))
    correct = calibrated.argmax(axis=1) == y
    report["abstain"] = {
        "threshold": fitted.abstain.threshold,
        "target_precision": fitted.abstain.target_precision,
        "answered": float(answered.mean()) if len(y) else float("nan"),
        "precision_answered": float(correct[answered].mean()) if answered.any() else None,
    }
    return report
