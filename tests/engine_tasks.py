"""Top-level task functions for the executor tests (workers import them by name)."""

import ctypes
import time


def double(x: int) -> int:
    return 2 * x


def raise_value_error() -> None:
    raise ValueError("bad trial")


def segfault() -> None:
    ctypes.string_at(0)  # reads address 0: the worker dies with SIGSEGV


def hang(seconds: float) -> None:
    time.sleep(seconds)


def crash_once(marker: str) -> int:
    """Dies the first time (no marker yet), succeeds on the retry."""
    import os
    from pathlib import Path

    if not Path(marker).exists():
        Path(marker).write_text("tried")
        os._exit(3)
    return 42


def hold_memory(megabytes: int, seconds: float) -> int:
    """Allocate ``megabytes`` fast, touch every page, hold it, then free it."""
    import numpy as np

    block = np.ones(megabytes * 2**20 // 8)
    time.sleep(seconds)
    return int(block.size)


def hold_lock(run_dir: str, seconds: float) -> None:
    from pathlib import Path

    from openautoglm.engine.state import RunLock

    with RunLock(Path(run_dir)):
        time.sleep(seconds)
