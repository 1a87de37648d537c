"""Open-AutoGLM: automated NLP model building."""

from openautoglm.api import AutoTask, RunResult, load
from openautoglm.data import DataError
from openautoglm.engine.state import RunLocked
from openautoglm.errors import OpenAutoGLMError, SearchFailed
from openautoglm.parse import ClarificationNeeded
from openautoglm.registry.bundle import BundleError
from openautoglm.run_folder import RunFolderError
from openautoglm.spec import TaskSpec

__version__ = "0.1.0"
__all__ = [
    "AutoTask",
    "BundleError",
    "ClarificationNeeded",
    "DataError",
    "OpenAutoGLMError",
    "RunFolderError",
    "RunLocked",
    "RunResult",
    "SearchFailed",
    "TaskSpec",
    "load",
    "__version__",
]
