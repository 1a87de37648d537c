"""Schema errors as one sentence that names the field, e.g. ``texts[2]: Input should be a
valid string``, rather than pydantic's list of dicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SHOWN = 3


def describe_validation_error(errors: Sequence[dict[str, Any]]) -> str:
    """One line per error (up to three), each naming the field it is about."""
    lines = [_describe(error) for error in errors[:SHOWN]]
    if len(errors) > SHOWN:
        lines.append(f"and {len(errors) - SHOWN} more")
    return "; ".join(lines)


def _describe(error: dict[str, Any]) -> str:
    location = [part for part in error.get("loc", ()) if part != "body"]
    if error.get("type") == "json_invalid":
        return f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
    if not location and error.get("type") == "missing":
        return "the body is missing: send a JSON object"
    field = _field(location) or "body"
    message = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden":
        message = "is not a field of this request"
    return f"{field}: {message}"


def _field(location: list[Any]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
