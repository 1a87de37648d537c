import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import make_texts

import openautoglm
from openautoglm.models.catalog import build_candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.models.safe_skops import UnsafeModelError
from openautoglm.parse.fields import spec_leaves
from openautoglm.registry import signing
from openautoglm.registry.bundle import (
    FORMAT_VERSION,
    BundleError,
    BundleWarning,
    TextClassifier,
    load_bundle,
    save_bundle,
)
from openautoglm.spec import Budget, TaskSpec


@pytest.fixture(autouse=True)
def no_signing_key(monkeypatch) -> None:
    # a key in the developer's environment would change what these tests save and load
    monkeypatch.delenv(signing.KEY_ENV, raising=False)


@pytest.fixture
def classifier() -> TextClassifier:
    frame = make_texts(20)
    y = frame.label.astype("category").cat.codes.to_numpy()
    labels = list(frame.label.astype("category").cat.categories)
    model = build_candidate("tfidf_lr", {}, "en").fit(frame.text.tolist(), y)
    return TextClassifier(WeightedEnsemble([model], [1.0]), labels, {"metrics": {"accuracy": 1}})


def test_save_load_gives_identical_probabilities(classifier, tmp_path) -> None:
    texts = ["a new chip for the cloud", "the coach and the team"]
    classifier.save(tmp_path / "m")
    loaded = load_bundle(tmp_path / "m")
    assert np.array_equal(loaded.predict_proba(texts), classifier.predict_proba(texts))
    assert loaded.predict(texts) == ["tech", "sports"]
    assert loaded.info["metrics"] == {"accuracy": 1}
    assert "scikit-learn" in loaded.info["library_versions"]


def test_tampered_file_is_refused(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m")
    target = next(path.rglob("*.idf.npy"))
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="does not match its hash"):
        load_bundle(path)


def test_added_file_is_refused(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m")
    (path / "member_0_tfidf_lr" / "extra.pkl").write_bytes(b"\x80\x04")
    with pytest.raises(BundleError, match="does not list"):
        load_bundle(path)


def test_existing_folder_is_not_overwritten(classifier, tmp_path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="overwrite"):
        classifier.save(tmp_path / "m")
    assert (tmp_path / "m" / "keep.txt").read_text() == "mine"


def test_skops_refuses_untrusted_types(tmp_path) -> None:
    import skops.io as sio

    from openautoglm.models import safe_skops

    sio.dump(
        {"f": np.float64(1.0), "d": __import__("datetime").date(2020, 1, 1)}, tmp_path / "x.skops"
    )
    with pytest.raises(UnsafeModelError):
        safe_skops.load(tmp_path / "x.skops")


def _edit_manifest(path: Path, change: Callable[[dict], None], reseal: bool = False) -> None:
    """Apply ``change`` to the manifest; ``reseal`` recomputes the digest as a forger would."""
    file = path / "manifest.json"
    manifest = json.loads(file.read_text(encoding="utf-8"))
    change(manifest)
    if reseal:
        manifest[signing.DIGEST_FIELD] = signing.digest(manifest)
    file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def test_edited_manifest_labels_are_refused(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m["labels"].reverse())
    with pytest.raises(BundleError, match="manifest.*edited after saving"):
        load_bundle(path)


def test_signed_bundle_checks_the_key(classifier, tmp_path, monkeypatch) -> None:
    texts = ["the coach and the team"]
    path = classifier.save(tmp_path / "m", key="secret")
    assert load_bundle(path, key="secret").predict(texts) == ["sports"]
    with pytest.raises(BundleError, match="signature that does not match"):
        load_bundle(path, key="another")
    # a forger who recomputes the plain digest is still caught by the signature
    _edit_manifest(path, lambda m: m["labels"].reverse(), reseal=True)
    with pytest.raises(BundleError, match="signature that does not match"):
        load_bundle(path, key="secret")
    # with the key in the environment, an unsigned bundle is refused and a signed one is made
    unsigned = classifier.save(tmp_path / "unsigned")
    monkeypatch.setenv(signing.KEY_ENV, "secret")
    with pytest.raises(BundleError, match="not signed"):
        load_bundle(unsigned)
    signed = classifier.save(tmp_path / "signed")
    assert load_bundle(signed, key="secret").predict(texts) == ["sports"]


def test_signed_bundle_without_a_key_warns(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m", key="secret")
    with pytest.warns(BundleWarning, match="not checked"):
        load_bundle(path)


def test_unknown_format_version_is_refused(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m.update(format_version=FORMAT_VERSION + 1), reseal=True)
    with pytest.raises(BundleError, match=f"format {FORMAT_VERSION + 1}.*reads bundle formats"):
        load_bundle(path)
    _edit_manifest(path, lambda m: m.update(format_version="2"), reseal=True)
    with pytest.raises(BundleError, match="unknown format_version '2'"):
        load_bundle(path)


def test_format_1_bundle_loads_with_a_warning(classifier, tmp_path) -> None:
    path = classifier.save(tmp_path / "m")

    def downgrade(manifest: dict) -> None:  # what the previous version wrote
        manifest["format_version"] = 1
        del manifest[signing.DIGEST_FIELD]

    _edit_manifest(path, downgrade)
    with pytest.warns(BundleWarning, match="format 1.*re-save"):
        loaded = load_bundle(path)
    again = loaded.save(tmp_path / "upgraded")
    assert json.loads((again / "manifest.json").read_text())["format_version"] == 2
    with pytest.raises(BundleError, match="format-1 bundle.*signing key"):
        load_bundle(path, key="secret")


def test_the_spec_is_stored_as_taskspec_json_and_checked_on_load(classifier, tmp_path) -> None:
    spec = TaskSpec(dataset_path="news.csv", labels=["food", "sports", "tech"], target_score=0.9,
                    budget=Budget(max_trials=5))  # fmt: skip
    classifier.info = {**classifier.info, "spec": spec}
    path = classifier.save(tmp_path / "m")
    stored = json.loads((path / "manifest.json").read_text(encoding="utf-8"))["spec"]
    assert stored == spec.model_dump(mode="json")
    assert _leaves(stored) == set(spec_leaves())  # every TaskSpec field, nested ones included
    assert TaskSpec.model_validate(load_bundle(path).info["spec"]) == spec


def test_a_spec_saved_by_earlier_code_loads_as_it_was(classifier, tmp_path) -> None:
    earlier = json.loads(TaskSpec(dataset_path="news.csv").model_dump_json())  # RunWorkflow's form
    del earlier["min_class_rows"]  # a field the spec did not have yet
    classifier.info = {**classifier.info, "spec": earlier}
    path = classifier.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m.update(spec=earlier), reseal=True)
    assert load_bundle(path).info["spec"] == earlier


def test_a_spec_that_does_not_validate_is_refused(classifier, tmp_path) -> None:
    classifier.info = {**classifier.info, "spec": TaskSpec(dataset_path="news.csv")}
    path = classifier.save(tmp_path / "m")
    _edit_manifest(path, lambda m: m["spec"]["budget"].update(max_trials=0), reseal=True)
    with pytest.raises(BundleError, match="not a valid TaskSpec.*budget.max_trials"):
        load_bundle(path)
    classifier.info = {**classifier.info, "spec": {"dataset_path": "x.csv", "metric": "auc"}}
    with pytest.raises(BundleError, match=r"info\['spec'\].*metric"):
        classifier.save(tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


def _leaves(spec: dict, prefix: str = "") -> set[str]:
    """Dotted paths of a stored spec's leaf values (a spec whose label_map is None)."""
    paths: set[str] = set()
    for key, value in spec.items():
        nested = isinstance(value, dict)
        paths |= _leaves(value, f"{prefix}{key}.") if nested else {f"{prefix}{key}"}
    return paths


def test_empty_input_gives_an_empty_result(classifier) -> None:
    assert classifier.predict([]) == []
    assert classifier.predict_proba([]).shape == (0, 3)


def test_non_strings_are_refused_naming_positions(classifier) -> None:
    with pytest.raises(TypeError, match=r"3 are not.*1 \(NoneType.*2 \(int: 3\).*3 \(float: nan"):
        classifier.predict(["fine", None, 3, float("nan")])
    with pytest.raises(TypeError, match="not a single string"):
        classifier.predict("the coach and the team")
    with pytest.raises(TypeError, match="one-dimensional"):
        classifier.predict_proba(np.array([["a", "b"]]))


def test_run_folder_loads_its_model(classifier, tmp_path) -> None:
    classifier.save(tmp_path / "run" / "model")
    assert openautoglm.load(tmp_path / "run").predict(["the coach and the team"]) == ["sports"]
    (tmp_path / "unfinished").mkdir()
    (tmp_path / "unfinished" / "state.db").write_bytes(b"")
    with pytest.raises(BundleError, match="without a model yet.*--resume"):
        load_bundle(tmp_path / "unfinished")
    with pytest.raises(BundleError, match="does not exist"):
        load_bundle(tmp_path / "nowhere")


def test_large_input_is_predicted_in_chunks(classifier) -> None:
    texts = make_texts(900, seed=1).text.tolist()  # 2,700 texts
    unchunked = classifier.model.predict_proba(texts)
    sizes: list[int] = []
    predict_proba = classifier.model.predict_proba

    def spy(batch: list[str]) -> np.ndarray:
        sizes.append(len(batch))
        return predict_proba(batch)

    classifier.model.predict_proba = spy
    chunked = classifier.predict_proba(texts)
    assert sizes == [1024, 1024, 652]
    assert np.allclose(chunked, unchunked, rtol=0, atol=1e-12)
    assert classifier.predict(texts) == [classifier.labels[i] for i in unchunked.argmax(axis=1)]


def test_overwrite_replaces_only_an_earlier_bundle(classifier, tmp_path) -> None:
    clf = classifier
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep")
    with pytest.raises(FileExistsError, match="not a model bundle"):
        save_bundle(clf, folder, overwrite=True)
    assert (folder / "notes.txt").read_text() == "keep"
    save_bundle(clf, tmp_path / "model")
    save_bundle(clf, tmp_path / "model", overwrite=True)  # an earlier bundle: replaced
    assert load_bundle(tmp_path / "model").labels == clf.labels
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "model"]
