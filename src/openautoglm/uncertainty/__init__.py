"""Uncertainty for the trained classifiers: calibration, conformal sets, abstaining, spread,
MC dropout, and what a run fits of them (stored in the bundle)."""

from openautoglm.uncertainty.abstain import AbstainRule, fit_abstain_threshold
from openautoglm.uncertainty.calibration import (
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    scale_proba,
)
from openautoglm.uncertainty.conformal import ConformalCalibrator, finite_sample_quantile
from openautoglm.uncertainty.errors import UncertaintyError, check_alpha
from openautoglm.uncertainty.fitted import (
    UNCERTAINTY_FILE,
    UncertaintyModel,
    evaluate_uncertainty,
    fit_uncertainty,
)
from openautoglm.uncertainty.mc_dropout import mc_dropout_proba, supports_mc_dropout
from openautoglm.uncertainty.predict import UncertainPrediction, predict_with_uncertainty
from openautoglm.uncertainty.spread import probability_variance, vote_disagreement

__all__ = [
    "UNCERTAINTY_FILE",
    "AbstainRule",
    "ConformalCalibrator",
    "UncertainPrediction",
    "UncertaintyError",
    "UncertaintyModel",
    "apply_temperature",
    "check_alpha",
    "evaluate_uncertainty",
    "expected_calibration_error",
    "finite_sample_quantile",
    "fit_abstain_threshold",
    "fit_temperature",
    "fit_uncertainty",
    "mc_dropout_proba",
    "predict_with_uncertainty",
    "probability_variance",
    "scale_proba",
    "supports_mc_dropout",
    "vote_disagreement",
]
