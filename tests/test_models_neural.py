"""Neural families: frozen encoder + LR, fastText-style, fine-tuned transformer."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import optuna
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")

from openautoglm.models import encoder_loading, finetune, frozen_encoder  # noqa: E402
from openautoglm.models.encoder_loading import (  # noqa: E402
    DEFAULT_ENCODER,
    EncoderNotAvailableError,
    pick_device,
    resolve_encoder_path,
)
from openautoglm.models.fasttext import FastTextCandidate, _Hasher  # noqa: E402
from openautoglm.models.finetune import FineTuneCandidate  # noqa: E402
from openautoglm.models.frozen_encoder import FrozenEncoderCandidate, embed_texts  # noqa: E402

pytestmark = pytest.mark.nn

_TOPICS = {
    0: ("the weather is {} today", ["sunny", "rainy", "cold", "warm", "windy", "cloudy"]),
    1: ("i love playing {} with friends", ["football", "tennis", "chess", "golf", "hockey"]),
    2: ("this {} tastes delicious", ["pizza", "soup", "cake", "bread", "pasta", "salad"]),
}


def _dataset() -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    for label, (template, words) in _TOPICS.items():
        for i in range(30):
            texts.append(template.format(words[i % len(words)]) + (" really" * (i % 3)))
            labels.append(label)
    return texts, np.array(labels)


def _held_out() -> tuple[list[str], np.ndarray]:
    """Texts the training set never has (three trailing "really"), made of words it has."""
    texts, labels = [], []
    for label, (template, words) in _TOPICS.items():
        texts.extend(template.format(word) + " really" * 3 for word in words)
        labels.extend([label] * len(words))
    return texts, np.array(labels)


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # deterministic and fair on a shared machine
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray]:
    return _dataset()


@pytest.fixture(scope="module")
def held_out(data) -> tuple[list[str], np.ndarray]:
    texts, y = _held_out()
    assert not set(texts) & set(data[0])
    return texts, y


def _check_proba(proba: np.ndarray, n_rows: int, n_classes: int) -> None:
    assert proba.shape == (n_rows, n_classes)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba >= 0).all()


# ------------------------------------------------------------ encoder loading
def test_resolve_bundled_encoder_aliases() -> None:
    path = resolve_encoder_path(DEFAULT_ENCODER)
    assert (path / "config.json").exists() and (path / "model.safetensors").exists()
    assert resolve_encoder_path(f"sentence-transformers/{DEFAULT_ENCODER}") == path
    assert pick_device() in ("cpu", "cuda")


def test_local_folder_encoder_loads_and_embeds_like_bundled(tmp_path: Path) -> None:
    local = tmp_path / "my-encoder"
    shutil.copytree(resolve_encoder_path(DEFAULT_ENCODER), local)
    assert resolve_encoder_path(str(local)) == local
    texts = ["a quick test", "another sentence"]
    from_copy = embed_texts(texts, str(local))
    assert np.allclose(from_copy, embed_texts(texts, DEFAULT_ENCODER), atol=1e-5)
    assert np.allclose(np.linalg.norm(from_copy, axis=1), 1.0, atol=1e-5)


def test_unknown_hub_id_fails_clearly() -> None:
    with pytest.raises(EncoderNotAvailableError, match="not available offline"):
        resolve_encoder_path("nobody-here/definitely-not-a-cached-model")
    with pytest.raises(EncoderNotAvailableError, match="local folder"):
        resolve_encoder_path("not a valid id!")


# ------------------------------------------------------------- frozen encoder
def test_frozen_encoder_fit_predict_save_load(data, held_out, tmp_path: Path) -> None:
    texts, y = data
    test_texts, test_y = held_out
    model = FrozenEncoderCandidate(C=10.0, cache_dir=str(tmp_path / "cache")).fit(texts, y)
    proba = model.predict_proba(test_texts)
    _check_proba(proba, len(test_texts), 3)
    assert (proba.argmax(axis=1) == test_y).mean() > 0.9
    model.save(tmp_path / "saved")
    meta = FrozenEncoderCandidate._load_params(tmp_path / "saved")
    assert "cache_dir" not in meta["params"] and "sentence-transformers" in meta["versions"]
    loaded = FrozenEncoderCandidate.load(tmp_path / "saved")
    assert loaded.get_params() == {**model.get_params(), "cache_dir": None}  # the run's cache
    assert np.allclose(loaded.predict_proba(test_texts), proba, atol=1e-6)


def test_frozen_encoder_reuses_cached_embeddings(data, tmp_path: Path, monkeypatch) -> None:
    texts, y = data
    cache = tmp_path / "cache"
    first = FrozenEncoderCandidate(cache_dir=str(cache)).fit(texts, y)
    assert (cache / f"emb-{DEFAULT_ENCODER}.npy").exists()

    def no_encoder(name: str):
        raise AssertionError("the encoder must not run when every text is cached")

    monkeypatch.setattr(frozen_encoder, "load_sentence_encoder", no_encoder)
    second = FrozenEncoderCandidate(C=2.0, cache_dir=str(cache)).fit(texts, y)
    assert second.predict_proba(texts[:5]).shape == (5, 3)
    assert np.allclose(first.head_.coef_.shape, second.head_.coef_.shape)


def test_frozen_encoder_search_space() -> None:
    params = FrozenEncoderCandidate.search_space(optuna.trial.FixedTrial({"C": 3.0}))
    assert params == {"C": 3.0}
    FrozenEncoderCandidate(**params)


# ------------------------------------------------------------------- fastText
def _small_fasttext(**kwargs) -> FastTextCandidate:
    return FastTextCandidate(**{"buckets": 2**12, "dim": 16, "epochs": 8, "lr": 3e-2, **kwargs})


def test_fasttext_fit_predict_save_load(data, held_out, tmp_path: Path) -> None:
    texts, y = data
    test_texts, test_y = held_out
    model = _small_fasttext().fit(texts, y)
    proba = model.predict_proba(test_texts)
    _check_proba(proba, len(test_texts), 3)
    assert (proba.argmax(axis=1) == test_y).mean() > 0.9
    model.save(tmp_path / "ft")
    assert (tmp_path / "ft" / "model.safetensors").exists()
    loaded = FastTextCandidate.load(tmp_path / "ft")
    assert np.allclose(loaded.predict_proba(test_texts), proba, atol=1e-6)


def test_fasttext_is_reproducible_and_handles_empty_text(data) -> None:
    texts, y = data
    a = _small_fasttext(seed=3).fit(texts, y).predict_proba(texts + [""])
    b = _small_fasttext(seed=3).fit(texts, y).predict_proba(texts + [""])
    assert np.array_equal(a, b)
    _check_proba(a, len(texts) + 1, 3)


def test_fasttext_hash_is_stable_across_instances() -> None:
    first = _Hasher("en", True, 5)("hello world", "Hello world!")
    assert first == _Hasher("en", True, 5)("hello world", "Hello world!")
    assert len(first) > 2  # words plus bigram plus subwords


def test_fasttext_chinese_features() -> None:
    texts = ["今天天气很好", "天气晴朗温暖", "我喜欢踢足球", "足球比赛精彩"] * 6
    y = np.array([0, 0, 1, 1] * 6)
    model = _small_fasttext(language="zh", epochs=10).fit(texts, y)
    # unseen texts made of words (not whole texts) seen in training
    unseen = ["今天天气晴朗", "天气很温暖", "我喜欢足球比赛", "足球很精彩"]
    assert (model.predict(unseen) == [0, 0, 1, 1]).mean() > 0.9


def test_fasttext_search_space_on_real_trial() -> None:
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)).ask()
    params = FastTextCandidate.search_space(trial)
    assert set(params) <= set(FastTextCandidate().get_params())
    assert params["buckets"] * params["dim"] * 4 <= 100 * 2**20  # table stays under 100 MiB
    FastTextCandidate(**params)


# ------------------------------------------------------------------ fine-tune
@pytest.fixture(scope="module")
def tuned(data) -> FineTuneCandidate:
    texts, y = data
    return FineTuneCandidate(epochs=2, batch_size=8, max_length=16, lr=1e-4).fit(texts, y)


def test_finetune_learns(held_out, tuned: FineTuneCandidate) -> None:
    test_texts, test_y = held_out
    proba = tuned.predict_proba(test_texts)
    _check_proba(proba, len(test_texts), 3)
    history = tuned.fit_history_
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert (proba.argmax(axis=1) == test_y).mean() > 0.5
    assert all("val_accuracy" in h and h["seconds"] > 0 for h in history)


def test_finetune_save_load_without_original_encoder(
    data, tuned: FineTuneCandidate, tmp_path: Path, monkeypatch
) -> None:
    texts, _ = data
    tuned.save(tmp_path / "tuned")
    for name in ("model.safetensors", "config.json", "tokenizer.json", "vocab.txt", "params.json"):
        assert (tmp_path / "tuned" / name).exists()

    def no_original(name: str) -> Path:
        raise AssertionError("a saved fine-tuned model must not need the original encoder")

    monkeypatch.setattr(finetune, "resolve_encoder_path", no_original)
    loaded = FineTuneCandidate.load(tmp_path / "tuned")
    assert np.allclose(loaded.predict_proba(texts), tuned.predict_proba(texts), atol=1e-6)


def test_finetune_probe_and_time_limit(data) -> None:
    texts, y = data
    candidate = FineTuneCandidate(epochs=3, batch_size=8, max_length=16, max_time_s=0.0)
    assert candidate.probe_seconds_per_epoch(texts, n_batches=2) > 0
    assert not hasattr(candidate, "module_")  # the probe leaves the candidate unfitted
    candidate.fit(texts, y)
    assert candidate.stopped_early_ and len(candidate.fit_history_) == 1
    assert candidate.fit_history_[0]["epoch"] < 1
    _check_proba(candidate.predict_proba(texts[:4]), 4, 3)


def test_training_precision_is_checked_and_bf16_tracks_fp32(data) -> None:
    texts, y = data
    with pytest.raises(ValueError, match="precision must be one of auto, bf16, fp32"):
        FineTuneCandidate(precision="fp16").fit(texts, y)
    assert finetune.training_dtype("cpu", "fp32") is None
    assert finetune.training_dtype("cpu", "bf16") is torch.bfloat16
    runs = {
        p: FineTuneCandidate(epochs=1, batch_size=8, max_length=16, precision=p).fit(texts, y)
        for p in ("fp32", "bf16")
    }
    # same seed, same batches: bfloat16 steps follow the float32 ones closely
    first = [runs[p].fit_history_[0]["train_loss"] for p in ("fp32", "bf16")]
    assert abs(first[0] - first[1]) < 0.05
    proba = runs["bf16"].predict_proba(texts[:4])
    assert proba.dtype == np.float64 and runs["bf16"].module_.head.weight.dtype == torch.float32


def test_a_pair_keeps_twice_the_tokens_of_a_text_unless_told() -> None:
    from openautoglm.data.pairs import join_pair

    tokenizer = finetune._load_tokenizer(resolve_encoder_path(DEFAULT_ENCODER))
    long = " ".join(["word"] * 300)
    ids = finetune._tokenize(tokenizer, [long], None)["input_ids"][0]
    assert len(ids) == finetune.SINGLE_MAX_LENGTH
    ids = finetune._tokenize(tokenizer, [join_pair(long, long)], None)["input_ids"][0]
    assert len(ids) == finetune.PAIR_MAX_LENGTH > finetune.SINGLE_MAX_LENGTH
    assert len(finetune._tokenize(tokenizer, [join_pair(long, long)], 32)["input_ids"][0]) == 32


def test_finetune_search_space_and_protocol() -> None:
    trial = optuna.trial.FixedTrial({"lr": 3e-5, "epochs": 2, "batch_size": 16, "max_length": 64})
    params = FineTuneCandidate.search_space(trial)
    assert params == {"lr": 3e-5, "epochs": 2, "batch_size": 16, "max_length": 64}
    assert FineTuneCandidate.holdout_only and FineTuneCandidate.languages == {"en"}
    assert FineTuneCandidate(**params).get_params() == {
        **FineTuneCandidate().get_params(),
        **params,
    }
    assert encoder_loading.canonical_encoder_name("sentence-transformers/all-MiniLM-L6-v2") == (
        DEFAULT_ENCODER
    )
