"""The HTTP API's request and response bodies (they are its OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from openautoglm.explain.result import Explanation

#: versions are 32-bit integers in the database
MAX_VERSION = 2**31 - 1
#: texts one request may ask explanations for (LIME takes up to seconds a text)
MAX_EXPLAIN_TEXTS = 16
#: features per side and label an explanation may list
MAX_EXPLAIN_FEATURES = 50


class PredictRequest(BaseModel):
    """Texts (or, for a text-pair model, pairs) to predict; optionally a registered version
    other than production."""

    # exactly one of texts and pairs, said in the schema too (the validator below enforces it)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["texts"]}, {"required": ["pairs"]}]},
    )

    texts: list[str] | None = Field(
        None,
        min_length=1,
        description="One or more texts (a batch); for every model except text-pair ones.",
    )
    pairs: list[tuple[str, str]] | None = Field(
        None,
        min_length=1,
        description="For a text-pair model (paraphrase, entailment, pair regression): one or "
        'more [first, second] pairs, e.g. [["Is it raining?", "Does it rain?"]].',
    )
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="A registered version (default: production)."
    )
    uncertainty: bool = Field(
        False,
        description="Add each prediction's uncertainty (calibrated confidence, entropy, "
        "ensemble spread, abstain flag). The version must have been calibrated (trained by "
        "AutoTask.run); one that was not is answered 409.",
    )
    set_alpha: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="With uncertainty=true: also return a conformal prediction set per text, "
        "holding the true label with probability >= 1 - set_alpha (e.g. 0.1 for 90%).",
    )
    explain: bool = Field(
        False,
        description=f"Add an explanation per prediction (words or n-grams for and against its "
        f"two most probable labels). At most {MAX_EXPLAIN_TEXTS} texts per request.",
    )
    explain_features: int = Field(
        5,
        ge=1,
        le=MAX_EXPLAIN_FEATURES,
        description="With explain=true: features listed per side and label.",
    )

    @model_validator(mode="after")
    def _texts_or_pairs(self) -> PredictRequest:
        if (self.texts is None) == (self.pairs is None):
            raise ValueError(
                "send either texts (a list of strings) or, for a text-pair model, pairs "
                '([["first", "second"], ...]), not both and not neither'
            )
        return self

    @property
    def inputs(self) -> list[str] | list[tuple[str, str]]:
        """The texts or pairs sent."""
        return self.texts if self.texts is not None else list(self.pairs or [])


class PredictionUncertainty(BaseModel):
    """How sure the model is of one prediction (temperature-scaled probabilities)."""

    calibrated_confidence: float = Field(
        description="The largest temperature-scaled probability (same label as ``label``)."
    )
    entropy: float = Field(description="Entropy of the calibrated probabilities, in nats.")
    ensemble_spread: float | None = Field(
        description="Weighted variance of the ensemble members' probabilities, summed over "
        "labels (0: all members agree); null when the model has a single member."
    )
    abstain: bool = Field(
        description="True when the calibrated confidence is below the model's stored abstain "
        "threshold: better left to a person."
    )
    prediction_set: list[str] | None = Field(
        None,
        description="Only with set_alpha: the conformal prediction set, most probable label "
        "first. Sets are randomised and may be empty: when the model is more accurate than "
        "1 - set_alpha, an empty set keeps coverage close to exactly 1 - set_alpha (treat it "
        "as 'no label needed to reach that coverage', not as an error).",
    )

    # no return annotation: one would replace this model's schema in the OpenAPI document
    @model_serializer(mode="wrap")
    def _omit_unrequested(self, handler: SerializerFunctionWrapHandler):
        return _without_none(handler(self), ("prediction_set",))


class Prediction(BaseModel):
    """One input's prediction; quote ``id`` when sending a correction.

    Classification (single texts or pairs): ``label``, ``confidence`` and ``probabilities``,
    the model's raw probabilities. Multilabel: ``labels`` (each label whose probability reaches
    its tuned threshold; may be empty), ``probabilities`` per label (they need not sum to 1),
    and ``label``/``confidence`` for the most probable one. Regression: ``value`` alone.
    ``uncertainty`` and ``explanation`` are present only when the request asks for them.
    """

    id: str
    label: str | None = Field(None, description="The predicted label (absent: regression).")
    confidence: float | None = Field(None, description="The predicted label's probability.")
    probabilities: dict[str, float] | None = Field(
        None, description="Each label's probability (absent: regression)."
    )
    labels: list[str] | None = Field(None, description="Multilabel only: the predicted labels.")
    value: float | None = Field(None, description="Regression only: the predicted number.")
    uncertainty: PredictionUncertainty | None = Field(
        None, description="Only with uncertainty=true."
    )
    explanation: Explanation | None = Field(None, description="Only with explain=true.")

    @model_serializer(mode="wrap")  # no return annotation, as above
    def _omit_unrequested(self, handler: SerializerFunctionWrapHandler):
        return _without_none(handler(self), _OPTIONAL_KEYS)


#: keys a prediction leaves out when they do not apply to its task or were not asked for
_OPTIONAL_KEYS = (
    "label", "confidence", "probabilities", "labels", "value", "uncertainty", "explanation"
)  # fmt: skip


def _without_none(data: Any, keys: tuple[str, ...]) -> Any:
    """``data`` without those of ``keys`` that are None: fields a request did not ask for are
    left out, not sent as null, so clients that do not ask see the response they always did
    (only these keys: a null inside an explanation or an ensemble spread stays)."""
    if isinstance(data, dict):
        for key in keys:
            if data.get(key, ...) is None:
                del data[key]
    return data


class PredictResponse(BaseModel):
    """Predictions in the order of the request's texts."""

    model: str
    version: int
    predictions: list[Prediction]


class FeedbackRequest(BaseModel):
    """A correction: the right label for a text or for a served prediction."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=1_000, description="The right label.")
    text: str | None = Field(None, description="The text (optional with prediction_id).")
    prediction_id: str | None = Field(
        None, max_length=36, description="The id /v1/predict returned."
    )
    new_class: bool = Field(False, description="Allow a label the model does not know yet.")


class FeedbackResponse(BaseModel):
    """The stored correction's id; ``duplicate`` when the same correction was already stored."""

    id: int
    duplicate: bool
    model: str
    predicted_label: str | None


class ModelInfo(BaseModel):
    """A registered version."""

    name: str
    version: int
    stage: str
    labels: list[str]
    metrics: dict[str, float | int | str | None]


class ModelsResponse(BaseModel):
    """The served model and its versions; ``serving`` is the version answering now."""

    serving: int
    versions: list[ModelInfo]


class ErrorResponse(BaseModel):
    """Every error: what went wrong and what to fix."""

    detail: str
