"""When to retrain: enough new corrections, falling agreement, or drifting inputs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from openautoglm.feedback.stats import FeedbackStats


class TriggerPolicy(BaseModel):
    """Each condition is optional; any one that holds fires a retrain."""

    model_config = ConfigDict(extra="forbid")

    min_corrections: int | None = Field(200, ge=1, description="New corrections since training.")
    agreement_below: float | None = Field(
        None, gt=0, le=1, description="EWMA agreement of the live model with the corrections."
    )
    min_joined_for_agreement: int = Field(30, ge=1, description="Joined corrections needed first.")
    drift_psi_above: float | None = Field(
        None, gt=0, description="PSI of served labels or lengths against the training data."
    )
    min_predictions_for_drift: int = Field(200, ge=1, description="Served texts needed first.")


def fired(policy: TriggerPolicy, stats: FeedbackStats) -> list[str]:
    """The reasons to retrain now (empty: none).

    Example:
        >>> fired(TriggerPolicy(min_corrections=100), stats)
        ['132 new corrections (threshold 100)']
    """
    reasons = []
    if policy.min_corrections and stats.new_rows >= policy.min_corrections:
        reasons.append(f"{stats.new_rows} new corrections (threshold {policy.min_corrections})")
    if (
        policy.agreement_below is not None
        and stats.agreement_ewma is not None
        and stats.joined_rows >= policy.min_joined_for_agreement
        and stats.agreement_ewma < policy.agreement_below
    ):
        reasons.append(
            f"agreement with corrections {stats.agreement_ewma:.3f} (EWMA) is below "
            f"{policy.agreement_below}"
        )
    served = stats.drift.get("recent_predictions", 0)
    if policy.drift_psi_above is not None and served >= policy.min_predictions_for_drift:
        for view in ("label_psi", "length_psi"):
            value = stats.drift.get(view)
            if value is not None and value > policy.drift_psi_above:
                reasons.append(f"input drift: {view} {value:.3f} > {policy.drift_psi_above}")
    return reasons
