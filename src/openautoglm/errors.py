"""The base of every exception Open-AutoGLM raises on purpose (imports nothing of the project)."""

from __future__ import annotations


class OpenAutoGLMError(Exception):
    """Base class of the errors Open-AutoGLM raises on purpose: catch it to handle them all.

    ``retryable`` says whether running the same step again may succeed (a timeout, a flaky
    endpoint) or would fail the same way (bad input, a refused file); the engine retries a
    failed step only when it is.

    Example:
        >>> try:
        ...     AutoTask(dataset_path="missing.csv").run(max_trials=1)
        ... except OpenAutoGLMError as exc:
        ...     print(exc)
    """

    retryable: bool = False


def is_retryable(exc: BaseException) -> bool:
    """Whether a step that raised ``exc`` may be run again under its retry policy.

    Our own errors say so explicitly; anything else (a library's error, a worker's crash) may
    be transient and gets the step's retries.
    """
    if isinstance(exc, OpenAutoGLMError):
        return exc.retryable
    return isinstance(exc, Exception)


class SearchFailed(OpenAutoGLMError, RuntimeError):
    """No model came out of the search (every trial failed); the message lists the errors."""
