"""The HTTP API's request and response bodies (they are its OpenAPI schema)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: versions are 32-bit integers in the database
MAX_VERSION = 2**31 - 1


class PredictRequest(BaseModel):
    """Texts to classify; optionally a registered version other than production."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(min_length=1, description="One or more texts (a batch).")
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="A registered version (default: production)."
    )


class Prediction(BaseModel):
    """One text's prediction; quote ``id`` when sending a correction."""

    id: str
    label: str
    confidence: float
    probabilities: dict[str, float]


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
