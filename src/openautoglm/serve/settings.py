"""How a service is configured; passed to worker processes as JSON in the environment."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field

SETTINGS_ENV = "OPENAUTOGLM_SERVE_SETTINGS"


class ServeSettings(BaseModel):
    """Settings of ``autoglm serve`` (one model name; its production version is served)."""

    name: str
    api_key_file: str
    registry_url: str | None = None
    store: str | None = None
    max_body_bytes: int = Field(2_000_000, gt=0, description="Larger bodies get 413.")
    max_text_chars: int = Field(100_000, gt=0, description="Longer texts get 422.")
    max_batch: int = Field(10_000, gt=0, description="More texts in one request get 422.")
    poll_s: float = Field(2.0, ge=0, description="How often to look for a promotion (0: never).")

    @classmethod
    def from_env(cls) -> ServeSettings:
        """The settings ``autoglm serve`` put in the environment for its workers."""
        raw = os.environ.get(SETTINGS_ENV)
        if not raw:
            raise RuntimeError(f"${SETTINGS_ENV} is not set; start the service with autoglm serve")
        return cls.model_validate_json(raw)
