import numpy as np
import pytest
from conftest import make_texts

from openautoglm.models.catalog import build_candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.models.safe_skops import UnsafeModelError
from openautoglm.registry.bundle import BundleError, TextClassifier, load_bundle


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
