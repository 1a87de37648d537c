"""The hashed n-gram vectoriser and the hashed_lr family built on it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from openautoglm.models import hashed_ngrams
from openautoglm.models.hashed_linear import HashedLogRegCandidate
from openautoglm.models.hashed_ngrams import HashedNgramVectorizer

TEXTS = [
    "The cat sat on the mat",
    "A dog sat on the log",
    "梅西打进制胜球",
    "Don't   panic\tnow 🙂",
    "",
    "the cat and the dog",
]


def _small() -> HashedNgramVectorizer:
    return HashedNgramVectorizer(char_ngram_min=1, char_ngram_max=2, word_ngram_max=2)


def test_buckets_are_fixed_so_saved_models_keep_their_meaning() -> None:
    # a change of these numbers silently breaks every saved hashed_lr model: don't
    buckets, indptr = _small().hashes(["Ab cd", "梅西"])
    assert indptr.tolist() == [0, 12, 16]  # 5 + 4 characters, 2 words, 1 bigram; 2 + 1 + 1
    assert buckets.tolist() == [
        15712, 1182011, 1495686, 443429, 1645821, 999987, 1523738, 1559516, 2056136,
        3392593, 3936605, 3480527, 1267522, 23518, 480535, 4018969,
    ]  # fmt: skip


def test_hashes_do_not_depend_on_the_process() -> None:
    code = (
        "from openautoglm.models.hashed_ngrams import HashedNgramVectorizer as H;"
        "print(H().hashes(['Ab cd 梅西'])[0].tolist())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )  # fmt: skip
    assert other.stdout.strip() == str(HashedNgramVectorizer().hashes(["Ab cd 梅西"])[0].tolist())


def test_case_and_spacing_do_not_matter_and_ngrams_stay_inside_a_text() -> None:
    v = _small()
    a = v.hashes(["ab cd", "ef"])
    b = v.hashes(["AB \t cd ", "ef"])
    assert a[0].tolist() == b[0].tolist()
    alone = v.hashes(["ab cd"])[0]
    assert a[0][a[1][0] : a[1][1]].tolist() == alone.tolist()


def test_each_view_is_l2_normalised_and_empty_texts_give_empty_rows() -> None:
    v = HashedNgramVectorizer(min_df=1, sublinear_tf=True).fit(TEXTS)
    x = v.transform(TEXTS)
    assert x.shape == (len(TEXTS), len(v.buckets_)) and x.dtype == np.float32
    words = v.is_word_column_
    for row in range(len(TEXTS)):
        dense = x[row].toarray().ravel()
        if TEXTS[row]:
            assert np.isclose(np.sum(dense[~words] ** 2), 1.0, atol=1e-5)
        if any(c.isalnum() for c in TEXTS[row]):
            assert np.isclose(np.sum(dense[words] ** 2), 1.0, atol=1e-5)
    assert x[4].nnz == 0
    assert v.transform(["", ""]).nnz == 0 and v.transform([]).shape == (0, len(v.buckets_))


def test_without_sublinear_counts_the_norm_is_over_occurrences() -> None:
    v = HashedNgramVectorizer(min_df=1).fit(TEXTS)
    x = v.transform(["the the the cat"])
    char = ~v.is_word_column_[x.indices]
    assert np.isclose(np.sum(x.data[char] ** 2), 1.0, atol=1e-5)
    assert np.isclose(np.sum(x.data[~char] ** 2), 1.0, atol=1e-5)


def test_chunks_give_the_same_rows(monkeypatch) -> None:
    v = HashedNgramVectorizer(min_df=1).fit(TEXTS)
    whole = v.transform(TEXTS * 3).toarray()
    monkeypatch.setattr(hashed_ngrams, "_CHUNK", 4)
    refit = HashedNgramVectorizer(min_df=1).fit(TEXTS)
    assert np.array_equal(refit.buckets_, v.buckets_)
    assert np.allclose(refit.transform(TEXTS * 3).toarray(), whole)


def test_min_df_and_max_features_choose_the_most_frequent_buckets() -> None:
    v = HashedNgramVectorizer(min_df=2, max_features=5).fit(TEXTS)
    assert len(v.buckets_) == 5 and np.all(np.diff(v.buckets_) > 0)
    with pytest.raises(ValueError, match="occurs in 50 or more texts"):
        HashedNgramVectorizer(min_df=50).fit(TEXTS)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"word_ngram_max": 3}, "word_ngram_max must be 0, 1 or 2"),
        ({"char_ngram_min": 0}, "character n-grams"),
        ({"char_ngram_min": 4, "char_ngram_max": 3}, "character n-grams"),
        ({"char_ngram_max": 0, "word_ngram_max": 0}, "both views are switched off"),
    ],
)
def test_bad_parameters_are_refused(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        HashedNgramVectorizer(**params).fit(TEXTS)


def test_saved_vectoriser_transforms_the_same(tmp_path) -> None:
    v = HashedNgramVectorizer(min_df=1, sublinear_tf=True).fit(TEXTS)
    v.save(tmp_path)
    loaded = HashedNgramVectorizer.load(tmp_path, v.get_params())
    assert np.allclose(loaded.transform(TEXTS).toarray(), v.transform(TEXTS).toarray())


@pytest.mark.parametrize("language", ["en", "zh"])
def test_hashed_lr_learns_saves_and_loads(tmp_path, language: str) -> None:
    if language == "zh":
        texts = ["梅西打进制胜球", "球队赢得比赛", "新款手机发布", "芯片性能提升"] * 5
    else:
        texts = [
            "the match was won",
            "a late goal won it",
            "new phone released",
            "chip is fast",
        ] * 5
    y = np.array([0, 0, 1, 1] * 5)
    model = HashedLogRegCandidate(language=language, min_df=1).fit(texts, y)
    assert (model.predict(texts) == y).all()
    proba = model.predict_proba(texts)
    assert proba.shape == (20, 2) and np.allclose(proba.sum(axis=1), 1.0)
    model.save(tmp_path / "m")
    loaded = HashedLogRegCandidate.load(tmp_path / "m")
    assert np.allclose(loaded.predict_proba(texts), proba, atol=1e-6)
    assert loaded.featurizer_.get_params() == model.featurizer_.get_params()


def test_the_search_samples_hashed_lr_only_when_named() -> None:
    from openautoglm.models.catalog import all_families, families_for

    assert "hashed_lr" in all_families()  # its bundles load
    assert "hashed_lr" not in families_for("en") and "hashed_lr" not in families_for("zh")
    assert families_for("en", include=["hashed_lr", "tfidf_lr"]) == ["hashed_lr", "tfidf_lr"]


@pytest.mark.parametrize(
    "params", [{}, {"char_ngram_min": 1, "char_ngram_max": 3, "word_ngram_max": 0}]
)
def test_ngram_names_line_up_with_the_hashes(params: dict) -> None:
    v = HashedNgramVectorizer(**params)
    for text in [*TEXTS, "Straße ÉCOLE x_y 3.14 😀😀 ab", "a"]:
        names = v.ngram_names(text)
        assert len(names) == len(v.hashes([text])[0])
        single = HashedNgramVectorizer(**params)
        for (kind, name), bucket in list(zip(names, v.hashes([text])[0], strict=True))[:40]:
            if kind == "char" and " " not in name:  # the n-gram alone hashes to it too
                alone = single.hashes([name])[0]
                assert bucket in alone.tolist()
