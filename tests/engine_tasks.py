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
