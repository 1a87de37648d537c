"""The typed result of an explanation, and the error raised for text that cannot be explained."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from openautoglm.errors import OpenAutoGLMError

#: how the weights were found: read off linear members exactly, or fitted locally by LIME
Method = Literal["exact", "lime"]
#: word: a word or word n-gram (jieba words for Chinese); char: a character or character n-gram
Kind = Literal["word", "char"]


class ExplainError(OpenAutoGLMError, ValueError):
    """A text or an option that cannot be explained (empty text, exact method on a neural model)."""


class FeatureWeight(BaseModel):
    """One word, character or n-gram of the text and how much it moved one label's score."""

    feature: str = Field(description="the word, character or n-gram (word n-grams space-joined)")
    kind: Kind = Field(description="word (or word n-gram) or char (character or char n-gram)")
    weight: float = Field(description="its contribution, on the explanation's scale")


class LabelExplanation(BaseModel):
    """Why the model gives one label the probability it does."""

    label: str
    probability: float = Field(description="the model's probability of this label for the text")
    score: float = Field(
        description="exact: intercept plus every contribution (the combined decision score); "
        "lime: the local linear model's prediction for the whole text"
    )
    intercept: float = Field(description="the part of the score that no feature carries")
    supporting: list[FeatureWeight] = Field(description="largest positive weights first")
    opposing: list[FeatureWeight] = Field(description="largest negative weights first")
    rest: float | None = Field(
        default=None,
        description="exact only: the summed weight of features not listed, so that intercept "
        "+ listed weights + rest = score",
    )


class MemberUse(BaseModel):
    """One ensemble member and whether the exact method can read it."""

    family: str
    weight: float = Field(description="its share of the ensemble (weights sum to 1)")
    linear: bool = Field(description="whether its decision is linear in its n-gram features")


class Explanation(BaseModel):
    """An explanation of one prediction: the top labels, each with features for and against."""

    method: Method
    scale: str = Field(description="what the weights measure")
    predicted: str = Field(description="the most probable label")
    labels: list[LabelExplanation] = Field(description="the top labels, most probable first")
    members: list[MemberUse]
    text_chars: int = Field(description="length of the text given")
    explained_chars: int = Field(description="length of the part explained (see notes)")
    truncated: bool = Field(description="whether only the start of the text was explained")
    num_samples: int | None = Field(default=None, description="LIME: perturbed texts scored")
    seconds: float = Field(description="time the explanation took")
    notes: list[str] = Field(default_factory=list)


class GlobalFeatures(BaseModel):
    """The strongest n-gram weights of each label over the whole vocabulary (linear members)."""

    scale: str
    labels: dict[str, list[FeatureWeight]] = Field(description="per label: strongest positive")
    against: dict[str, list[FeatureWeight]] = Field(description="per label: strongest negative")
    members: list[MemberUse]
    notes: list[str] = Field(default_factory=list)
