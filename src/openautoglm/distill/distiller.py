"""Distil a run's final model (the teacher) into a small student, saved as its own bundle.

Steps: the transfer set (training texts, their augmentations, optional unlabelled texts) is
labelled by the teacher; (T, alpha) is chosen on a stratified validation split of the
training rows (the student trains without those rows and their augmentations); the student
is refit on the whole transfer set; it is exported to ONNX (checked with onnxruntime), scored
against the teacher on the test split and saved with its lineage in the manifest.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from openautoglm.distill.augment import augment, read_unlabeled
from openautoglm.distill.errors import DistillError
from openautoglm.distill.loss import check_hyperparameters
from openautoglm.distill.onnx_export import export_fasttext, export_linear
from openautoglm.distill.students import STUDENT_C, LinearStudent, fit_fasttext_student
from openautoglm.evaluate.metrics import classification_metrics
from openautoglm.evaluate.speed import measure_speed
from openautoglm.models.base import Candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.models.torch_utils import validation_split
from openautoglm.registry.bundle import MANIFEST, TextClassifier, check_bundle, load_bundle
from openautoglm.registry.signing import DIGEST_FIELD
from openautoglm.uncertainty.fitted import fit_uncertainty

Target = Literal["fasttext", "linear"]
TARGETS: tuple[str, ...] = ("fasttext", "linear")
#: families whose single model is already a linear function of n-gram features
LINEAR_FAMILIES = frozenset({"tfidf_lr", "tfidf_svm", "nbsvm", "complement_nb"})
#: the (T, alpha) pairs searched when neither is given, per target (Hinton et al. use T 2..20);
#: fewer for fastText, whose fits cost ten times a linear one's. The linear student's C is
#: searched at the first pair, then the other pairs at the best C (the whole product would
#: cost 27 fits, 40 minutes on 77 classes)
GRIDS: dict[str, tuple[tuple[float, float], ...]] = {
    "linear": ((4.0, 0.7), (2.0, 0.5), (8.0, 0.9)),
    "fasttext": ((2.0, 0.5), (2.0, 0.9), (4.0, 0.5), (4.0, 0.9)),
}
#: the linear student's inverse L2 strengths: a student that mimics a teacher over a transfer
#: set twice the training set wants far less shrinkage than one fitted to the labels alone
#: (at C 8, the tfidf_lr default, it lost 2 to 3 validation points on trec and banking77)
LINEAR_CS: tuple[float, ...] = (8.0, 128.0, 1024.0)
#: share of the training rows held out to choose (T, alpha)
VALIDATION_SHARE = 0.15
#: rows the ONNX export is checked on
ONNX_SAMPLE = 200
#: the most transfer rows (training + augmented + unlabelled): bounds the teacher's labelling
MAX_TRANSFER_ROWS = 60_000
STUDENT_FOLDER = "model"
ONNX_FILE = "student.onnx"


@dataclass
class TrainingData:
    """What distillation reads from a run: texts with integer labels and the label names."""

    train_texts: list[str]
    train_y: np.ndarray
    test_texts: list[str]
    test_y: np.ndarray
    labels: list[str]
    language: str

    @classmethod
    def from_prepared(cls, data: Any) -> TrainingData:
        """The texts and labels of a run's PreparedData."""
        return cls(list(data.train_texts), np.asarray(data.train_y), list(data.test_texts),
                   np.asarray(data.test_y), list(data.labels), data.language)  # fmt: skip


@dataclass
class DistilledModel:
    """A distilled student: its bundle, test metrics next to the teacher's, and lineage."""

    path: Path
    model: TextClassifier
    target: str
    temperature: float
    alpha: float
    metrics: dict[str, Any]
    lineage: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Label names for ``texts``."""
        return self.model.predict(texts)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one column per label."""
        return self.model.predict_proba(texts)

    def __repr__(self) -> str:
        m = self.metrics
        return (
            f"DistilledModel(target={self.target!r}, T={self.temperature:g}, "
            f"alpha={self.alpha:g}, accuracy={m['accuracy']:.4f} (teacher "
            f"{m['teacher_accuracy']:.4f}), agreement={m['agreement_with_teacher']:.4f}, "
            f"size_mb={m['bundle_mb']:.2f}, path='{self.path}')"
        )


def teacher_families(teacher: TextClassifier) -> list[str]:
    """The families of the teacher's members with nonzero weight."""
    ensemble = teacher.model
    return [m.family for m, w in zip(ensemble.members, ensemble.weights, strict=True) if w > 0]


def check_target(target: str, teacher: TextClassifier) -> None:
    """Refuse an unknown target, and a linear student of a teacher that is one linear model."""
    if target not in TARGETS:
        raise DistillError(f"target must be one of {', '.join(TARGETS)}, got {target!r}")
    families = teacher_families(teacher)
    if target == "linear" and len(families) == 1 and families[0] in LINEAR_FAMILIES:
        raise DistillError(
            f"the teacher is already a single linear model ({families[0]}): a linear student "
            "would be the same kind of model and no faster, so there is nothing to distil. "
            "Use the run's model as it is, or target='fasttext' for a different speed/size "
            "trade-off"
        )


def _agreement(a: np.ndarray, b: np.ndarray) -> float:
    return float((a.argmax(axis=1) == b.argmax(axis=1)).mean()) if len(a) else float("nan")


def bundle_mb(path: Path) -> float:
    """Size on disk of every file under ``path``, in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6


class Distiller:
    """Builds the transfer set once; fits students for any target and (T, alpha)."""

    def __init__(
        self,
        teacher: TextClassifier,
        data: TrainingData,
        unlabeled: Sequence[str] = (),
        augment_per_text: int = 1,
        seed: int = 0,
        cache_dir: str | None = None,
    ) -> None:
        self.teacher, self.data, self.seed, self.cache_dir = teacher, data, seed, cache_dir
        train = list(data.train_texts)
        aug, source = augment(train, data.language, augment_per_text, seed, cache_dir=cache_dir)
        extra = [t for t in dict.fromkeys(unlabeled) if t]
        room = max(0, MAX_TRANSFER_ROWS - len(train))
        aug, source = aug[:room], source[:room]  # the bound applies to the added rows only
        extra = extra[: max(0, room - len(aug))]
        self.texts = train + aug + extra
        n_train = len(train)
        #: training row each transfer row came from (-1: an unlabelled text)
        self.source = np.asarray(list(range(n_train)) + source + [-1] * len(extra), dtype=np.int64)
        self.gold = np.full(len(self.texts), -1, dtype=np.int64)
        self.gold[:n_train] = data.train_y
        self.counts = {"train": n_train, "augmented": len(aug), "unlabeled": len(extra)}
        start = time.perf_counter()
        self.teacher_proba = self._teacher_proba(self.texts)
        self.teacher_s = time.perf_counter() - start
        _, val = validation_split(np.asarray(data.train_y), VALIDATION_SHARE, seed=seed)
        self.val_rows = val
        held = np.zeros(n_train, dtype=bool)
        held[val] = True
        # a row of the validation split, or an augmentation of one, is left out of the search
        self.fit_rows = np.flatnonzero(~((self.source >= 0) & held[np.maximum(self.source, 0)]))
        self._linear: LinearStudent | None = None

    def _teacher_proba(self, texts: list[str]) -> np.ndarray:
        members = self.teacher.model.members
        if self.cache_dir:  # the run's token cache: the training texts are segmented already
            for member in members:
                member.set_cache(self.cache_dir)
        try:
            return self.teacher.predict_proba(texts)
        finally:
            for member in members:
                member.set_cache(None)

    def fit(
        self,
        target: str,
        temperature: float,
        alpha: float,
        rows: np.ndarray | None = None,
        hard_labels: bool = False,
        C: float = STUDENT_C,
    ) -> Candidate:
        """A student on ``rows`` of the transfer set (default: all).

        ``hard_labels``: the same student on the training rows' true labels only (no teacher,
        no augmentations), the baseline distillation has to beat. ``C``: the linear student's
        inverse L2 strength (the fastText student ignores it).
        """
        if rows is None:
            rows = np.arange(len(self.texts))
        proba, gold = self.teacher_proba, self.gold
        if hard_labels:
            rows = rows[self.gold[rows] >= 0]
            alpha = 0.0  # the KL term vanishes; the soft targets are never read
        if target == "linear":
            if self._linear is None:  # featurised once on the whole transfer set
                self._linear = LinearStudent(self.texts, self.data.language, len(self.data.labels))
            return self._linear.fit(proba, gold, temperature, alpha, rows, C)
        return fit_fasttext_student(
            [self.texts[i] for i in rows],
            proba[rows],
            gold[rows],
            self.data.language,
            temperature,
            alpha,
            self.seed,
            cache_dir=self.cache_dir,
        )

    @property
    def val_y(self) -> np.ndarray:
        """The true labels of the validation split."""
        return np.asarray(self.data.train_y)[self.val_rows]

    def search(
        self,
        target: str,
        pairs: Sequence[tuple[float, float]],
        cs: Sequence[float] | None = None,
        hard_labels: bool = False,
    ) -> tuple[dict[str, float], list[dict[str, float]], np.ndarray]:
        """The grid row with the best validation accuracy (ties: agreement with the teacher),
        every row, and the chosen student's probabilities on the validation split.

        ``pairs``: (T, alpha) to try. ``cs``: the linear student's C values (default
        LINEAR_CS), tried at the first pair; the other pairs are tried at the best C.
        """
        if cs is None:
            cs = LINEAR_CS if target == "linear" else (STUDENT_C,)
        rows: list[dict[str, float]] = []
        probas: list[np.ndarray] = []
        for c in cs:
            self._try(target, *pairs[0], c, hard_labels, rows, probas)
        best_c = self._best(rows)[0].get("C", STUDENT_C)
        for t, a in pairs[1:]:
            self._try(target, t, a, best_c, hard_labels, rows, probas)
        best, index = self._best(rows)
        return best, rows, probas[index]

    def _try(
        self,
        target: str,
        t: float,
        a: float,
        c: float,
        hard_labels: bool,
        rows: list[dict[str, float]],
        probas: list[np.ndarray],
    ) -> None:
        """Fit one grid point without the validation rows; append its row and probabilities."""
        start = time.perf_counter()
        student = self.fit(target, t, a, self.fit_rows, hard_labels, c)
        proba = student.predict_proba([self.data.train_texts[i] for i in self.val_rows])
        rows.append(
            {
                "temperature": t,
                "alpha": a,
                **({"C": c} if target == "linear" else {}),
                "accuracy": float((proba.argmax(axis=1) == self.val_y).mean()),
                "agreement": _agreement(proba, self.teacher_proba[self.val_rows]),
                "fit_s": round(time.perf_counter() - start, 2),
            }
        )
        probas.append(proba)

    @staticmethod
    def _best(rows: list[dict[str, float]]) -> tuple[dict[str, float], int]:
        index = max(range(len(rows)), key=lambda i: (rows[i]["accuracy"], rows[i]["agreement"]))
        return rows[index], index


def distill(
    teacher: TextClassifier,
    data: TrainingData,
    target: str = "fasttext",
    temperature: float | None = None,
    alpha: float | None = None,
    *,
    out: str | Path,
    unlabeled: str | Path | Sequence[str] | None = None,
    teacher_path: str | Path | None = None,
    run_dir: str | Path | None = None,
    seed: int = 0,
    overwrite: bool = False,
    distiller: Distiller | None = None,
    C: float | None = None,
) -> DistilledModel:
    """Distil ``teacher`` into a ``target`` student saved under ``out`` (see the module doc).

    ``temperature``/``alpha`` None: chosen from GRIDS[target] on the validation split;
    given: used as they are (the validation split still reports how the student does).
    ``C``: the linear student's inverse L2 strength; None: chosen from LINEAR_CS there.
    """
    for value in (temperature, alpha):
        if value is not None:  # each checked alone; the other half of the pair is a stand-in
            check_hyperparameters(temperature or 4.0, alpha if alpha is not None else 0.7)
    check_target(target, teacher)
    out = _prepare_out(Path(out), overwrite)
    if distiller is None:
        texts = read_unlabeled(unlabeled) if isinstance(unlabeled, str | Path) else unlabeled
        cache = (
            str(Path(run_dir) / "cache") if run_dir and (Path(run_dir) / "cache").is_dir() else None
        )
        distiller = Distiller(teacher, data, texts or (), seed=seed, cache_dir=cache)
    pairs = [
        (t if temperature is None else float(temperature), a if alpha is None else float(alpha))
        for t, a in GRIDS[target]
    ]
    start = time.perf_counter()
    cs = None if C is None else (float(C),)
    chosen, grid, val_proba = distiller.search(target, list(dict.fromkeys(pairs)), cs)
    t, a = chosen["temperature"], chosen["alpha"]
    student = distiller.fit(target, t, a, C=chosen.get("C", STUDENT_C))
    fit_s = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    onnx = _export(target, student, out / ONNX_FILE, data.test_texts or data.train_texts)
    # the validation split is held out of the chosen (T, alpha)'s search fit: the student's
    # own out-of-sample predictions, so its temperature and conformal sets are its own
    uncertainty = fit_uncertainty(val_proba, distiller.val_y, seed=seed)
    classifier = TextClassifier(
        WeightedEnsemble([student], [1.0]), data.labels, uncertainty=uncertainty
    )
    metrics = student_metrics(classifier, teacher, data)
    lineage = {
        "teacher": _teacher_lineage(teacher, teacher_path, run_dir),
        "target": target,
        "family": student.family,
        "temperature": t,
        "alpha": a,
        **({"C": chosen["C"]} if "C" in chosen else {}),
        "validation": {
            "rows": int(len(distiller.val_rows)),
            "accuracy": chosen["accuracy"],
            "agreement_with_teacher": chosen["agreement"],
        },
        "grid": grid,
        "test": {
            k: metrics[k]
            for k in ("accuracy", "f1_macro", "agreement_with_teacher", "teacher_accuracy")
        },
        "transfer_rows": distiller.counts,
        "teacher_labelling_s": round(distiller.teacher_s, 2),
        "fit_s": round(fit_s, 2),
        "onnx": {**onnx, "sha256": _sha256(out / ONNX_FILE)},
    }
    classifier.info = _student_info(teacher, metrics, lineage)
    classifier.save(out / STUDENT_FOLDER)
    metrics["bundle_mb"] = round(bundle_mb(out / STUDENT_FOLDER), 3)
    saved = load_bundle(out / STUDENT_FOLDER)
    return DistilledModel(out, saved, target, t, a, metrics, lineage)


def student_metrics(
    student: TextClassifier, teacher: TextClassifier, data: TrainingData
) -> dict[str, Any]:
    """Test-split metrics of the student, its agreement with the teacher, and its speed."""
    proba = student.predict_proba(data.test_texts)
    teacher_proba = teacher.predict_proba(data.test_texts)
    metrics = classification_metrics(np.asarray(data.test_y), proba, data.labels)
    metrics = {k: v for k, v in metrics.items() if k not in ("per_class", "confusion_matrix")}
    metrics["agreement_with_teacher"] = _agreement(proba, teacher_proba)
    metrics["teacher_accuracy"] = float((teacher_proba.argmax(axis=1) == data.test_y).mean())
    metrics.update(measure_speed(student, list(data.test_texts)))
    return metrics


def _export(target: str, student: Candidate, path: Path, texts: Sequence[str]) -> dict[str, Any]:
    sample = list(texts)[:ONNX_SAMPLE]
    record = (export_linear if target == "linear" else export_fasttext)(student, path, sample)  # type: ignore[arg-type]
    if record["prediction_agreement"] < 1.0:
        raise DistillError(
            f"the ONNX export of the {target} student does not reproduce its "
            f"predictions on {len(sample)} texts: {record}"
        )
    return record


def _teacher_lineage(
    teacher: TextClassifier, teacher_path: str | Path | None, run_dir: str | Path | None
) -> dict[str, Any]:
    manifest: dict[str, Any] = {}
    if teacher_path is not None and (Path(teacher_path) / MANIFEST).is_file():
        manifest = check_bundle(teacher_path)
    return {
        "bundle": str(teacher_path) if teacher_path else None,
        "manifest_sha256": manifest.get(DIGEST_FIELD),
        "run_dir": str(run_dir) if run_dir else None,
        "families": teacher_families(teacher),
        "weights": [float(w) for w in teacher.model.weights],
    }


def _student_info(
    teacher: TextClassifier, metrics: dict[str, Any], lineage: dict[str, Any]
) -> dict[str, Any]:
    keep = (
        "spec",
        "language",
        "text_column",
        "label_column",
        "data_hash",
        "test_hash",
        "drift_reference",
    )
    info = {k: teacher.info[k] for k in keep if k in teacher.info}
    return {**info, "metrics": metrics, "distillation": lineage}


def _prepare_out(out: Path, overwrite: bool) -> Path:
    """``out`` ready to write: new or empty, or (overwrite) an earlier student folder."""
    if out.exists() and any(out.iterdir()):
        ours = {STUDENT_FOLDER, ONNX_FILE}
        earlier = (out / STUDENT_FOLDER / MANIFEST).is_file() and {
            p.name for p in out.iterdir()
        } <= ours
        if not overwrite:
            raise FileExistsError(
                f"{out} already exists and is not empty; pass overwrite=True "
                "(--overwrite) to replace an earlier student there"
            )
        if not earlier:
            raise FileExistsError(
                f"refusing to replace {out}: it holds files other than a "
                f"student ({', '.join(sorted(ours))}); choose another folder"
            )
        shutil.rmtree(out)
    return out


def _sha256(path: Path) -> str:
    from openautoglm.registry.bundle import file_sha256

    return file_sha256(path)
