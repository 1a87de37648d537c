"""Open-AutoGLM: automated NLP model building."""

from openautoglm.api import AutoTask, RunResult, load
from openautoglm.parse import ClarificationNeeded
from openautoglm.spec import TaskSpec

__version__ = "0.1.0"
__all__ = ["AutoTask", "ClarificationNeeded", "RunResult", "TaskSpec", "load", "__version__"]
