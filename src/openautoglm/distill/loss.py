"""The distillation loss: alpha * KL(teacher_T || student_T) * T^2 + (1 - alpha) * CE(labels)."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from openautoglm.distill.errors import DistillError

#: floor on probabilities before their log (a teacher may give exact zeros, e.g. naive Bayes)
EPS = 1e-12


def check_hyperparameters(temperature: float, alpha: float) -> None:
    """Refuse a temperature that is not positive or an alpha outside the open interval (0, 1)."""
    if not (isinstance(alpha, int | float) and 0.0 < float(alpha) < 1.0):
        raise DistillError(
            f"alpha must lie strictly between 0 and 1 (got {alpha!r}): it weighs the teacher's "
            "soft targets against the true labels; alpha=0 would ignore the teacher (train on "
            "hard labels instead) and alpha=1 would ignore the labels. Typical: 0.5 to 0.9"
        )
    if not (
        isinstance(temperature, int | float) and math.isfinite(temperature) and temperature > 0
    ):
        raise DistillError(
            f"temperature must be a positive number (got {temperature!r}); typical: 1 to 8"
        )


def tempered(proba: np.ndarray, temperature: float) -> np.ndarray:
    """The teacher's probabilities softened at ``temperature``: softmax(log p / T).

    A run's teacher is an average of probabilities, not logits, so log p stands for its
    logits (they differ by a per-row constant, which softmax ignores).
    """
    logits = np.log(np.clip(np.asarray(proba, dtype=np.float64), EPS, None)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


def distillation_loss(
    student_logits: torch.Tensor,
    teacher_proba: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
    alpha: float,
) -> torch.Tensor:
    """alpha * T^2 * mean KL(teacher_T || student_T) + (1 - alpha) * mean CE(student, labels).

    ``teacher_proba``: the teacher's (untempered) probabilities of each row. ``labels``: the
    true class, or -1 for a row only the teacher labelled (an augmentation or an unlabelled
    text): the KL term averages over every row, the CE term over the labelled rows alone.
    T^2 keeps the soft term's gradients on the scale of the hard term's (Hinton et al. 2015).
    """
    t = float(temperature)
    log_q = torch.log_softmax(torch.log(teacher_proba.clamp_min(EPS)) / t, dim=1)
    log_s = torch.log_softmax(student_logits / t, dim=1)
    kl = (log_q.exp() * (log_q - log_s)).sum(dim=1).mean()
    labelled = labels >= 0
    if bool(labelled.any()):
        ce = F.cross_entropy(student_logits[labelled], labels[labelled])
    else:  # a batch of teacher-labelled rows only
        ce = student_logits.new_zeros(())
    return alpha * t * t * kl + (1.0 - alpha) * ce


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def distillation_loss_numpy(
    student_logits: np.ndarray,
    teacher_proba: np.ndarray,
    labels: np.ndarray,
    temperature: float,
    alpha: float,
) -> tuple[float, np.ndarray]:
    """``distillation_loss`` and its gradient with respect to the logits, in closed form.

    d/dz of T^2 KL(q_T || softmax(z/T)) is T (softmax(z/T) - q_T); of CE it is
    softmax(z) - onehot(y). NumPy, not autograd: the linear student evaluates it hundreds of
    times on the whole transfer set, where torch's per-call overhead dominated.
    """
    t = float(temperature)
    z = np.asarray(student_logits, dtype=np.float64)
    log_q = _log_softmax(np.log(np.clip(teacher_proba, EPS, None)) / t)
    log_s = _log_softmax(z / t)
    q = np.exp(log_q)
    n = len(z)
    kl = float((q * (log_q - log_s)).sum()) / n
    grad = alpha * t * (np.exp(log_s) - q) / n
    labelled = np.flatnonzero(np.asarray(labels) >= 0)
    ce = 0.0
    if len(labelled):
        log_p = _log_softmax(z[labelled])
        y = np.asarray(labels)[labelled]
        ce = float(-log_p[np.arange(len(y)), y].mean())
        hard = np.exp(log_p)
        hard[np.arange(len(y)), y] -= 1.0
        grad[labelled] += (1.0 - alpha) * hard / len(labelled)
    return alpha * t * t * kl + (1.0 - alpha) * ce, grad
