"""Knowledge distillation of a run's model into small students, and constraint-driven choice."""

from openautoglm.distill.errors import DistillError

__all__ = ["DistillError"]
