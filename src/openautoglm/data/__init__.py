"""Data loading, task detection, validation, splitting and profiling for every task type."""

from openautoglm.data.errors import DataError
from openautoglm.data.language import detect_language
from openautoglm.data.prepare import PreparedData, prepare_data
from openautoglm.data.profile import save_profile
from openautoglm.data.readers import SUPPORTED_EXTENSIONS, read_table

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "DataError",
    "PreparedData",
    "detect_language",
    "prepare_data",
    "read_table",
    "save_profile",
]
