"""The errors of the uncertainty tools."""

from __future__ import annotations

from openautoglm.errors import OpenAutoGLMError


class UncertaintyError(OpenAutoGLMError, ValueError):
    """A bad argument (alpha outside (0, 1), an unknown method) or a model never calibrated."""


def check_alpha(alpha: float) -> float:
    """``alpha`` as a float, or UncertaintyError when it is not strictly between 0 and 1."""
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise UncertaintyError(f"alpha must be a number in (0, 1), got {alpha!r}") from None
    if not 0.0 < value < 1.0:  # also refuses NaN
        raise UncertaintyError(
            f"alpha must be in (0, 1) (the share of texts whose set may miss the true label, "
            f"e.g. 0.1 for 90% coverage), got {alpha!r}"
        )
    return value
