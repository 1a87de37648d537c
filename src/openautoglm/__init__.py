"""Open-AutoGLM: automated NLP model building."""

__version__ = "0.1.0"
