"""Open-AutoGLM: automated NLP model building."""

from openautoglm.api import AutoTask, RunResult, load
from openautoglm.spec import TaskSpec

__version__ = "0.1.0"
__all__ = ["AutoTask", "RunResult", "TaskSpec", "load", "__version__"]
