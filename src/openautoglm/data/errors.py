"""The one exception type for user-facing data problems."""

from __future__ import annotations

from openautoglm.errors import OpenAutoGLMError


class DataError(OpenAutoGLMError, ValueError):
    """A problem with the user's data; the message says what is wrong and how to fix it."""
