"""The error distillation raises on purpose (bad arguments, a teacher it cannot improve on)."""

from __future__ import annotations

from openautoglm.errors import OpenAutoGLMError


class DistillError(OpenAutoGLMError, ValueError):
    """Distillation cannot run as asked; the message says why and what to do instead."""
