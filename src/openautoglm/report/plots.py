"""The report's figures: matplotlib (Agg canvas, no pyplot state) to base64 PNG data URIs.

Figures carry numbers and family names only; label names and texts, which may need fonts
matplotlib lacks (Chinese) and must be escaped, go in the HTML tables beside them.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: resolution of the embedded PNGs
DPI = 96
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip


def _figure(width: float = 6.4, height: float = 3.4) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def history_plot(trials: list[dict[str, Any]], metric: str, x_label: str) -> str:
    """Score of each finished trial over time, coloured by family, with the best-so-far line."""
    figure = _figure()
    axes = figure.add_subplot()
    families = sorted({t["family"] for t in trials})
    for i, family in enumerate(families):
        mine = [t for t in trials if t["family"] == family]
        axes.scatter([t["x"] for t in mine], [t["score"] for t in mine], s=28,
                     color=_COLOURS[i % len(_COLOURS)], label=family, zorder=3)  # fmt: skip
    ordered = sorted(trials, key=lambda t: t["x"])
    xs = [t["x"] for t in ordered]
    best = np.maximum.accumulate([t["score"] for t in ordered])
    axes.step(xs, best, where="post", color="black", linewidth=1.5, label="best so far")
    axes.set_xlabel(x_label)
    axes.set_ylabel(f"CV {metric}")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower right")
    return _data_uri(figure)


def reliability_plot(curves: dict[str, dict[str, Any]]) -> str:
    """Reliability diagram (accuracy against confidence per bin) and the confidence histogram."""
    figure = _figure(6.4, 4.6)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect")
    for i, (name, curve) in enumerate(curves.items()):
        bins = curve["bins"]
        colour = _COLOURS[i % len(_COLOURS)]
        top.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o",
                 color=colour, label=f"{name} (ECE {curve['ece']:.3f})")  # fmt: skip
        centres = [(b["low"] + b["high"]) / 2 for b in bins]
        width = (bins[0]["high"] - bins[0]["low"]) if bins else 0.1
        offset = (i - (len(curves) - 1) / 2) * width / max(len(curves), 1)
        bottom.bar([c + offset for c in centres], [b["rows"] for b in bins],
                   width=width / max(len(curves), 1), color=colour, alpha=0.7)  # fmt: skip
    top.set_ylabel("accuracy")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.02)
    top.grid(alpha=0.3)
    top.legend(fontsize=8, loc="upper left")
    bottom.set_xlabel("confidence (top-label probability)")
    bottom.set_ylabel("texts")
    return _data_uri(figure)


def coverage_plot(rows: list[dict[str, Any]]) -> str:
    """Empirical coverage of the prediction sets against the target 1 - alpha, per method."""
    figure = _figure(5.0, 3.6)
    axes = figure.add_subplot()
    targets = [r["target"] for r in rows]
    low = min(targets) - 0.05
    axes.plot([low, 1], [low, 1], linestyle="--", color="grey", linewidth=1, label="target")
    for i, method in enumerate(sorted({r["method"] for r in rows})):
        mine = sorted((r for r in rows if r["method"] == method), key=lambda r: r["target"])
        axes.plot([r["target"] for r in mine], [r["coverage"] for r in mine], marker="o",
                  color=_COLOURS[i % len(_COLOURS)], label=method.upper())  # fmt: skip
    axes.set_xlabel("target coverage (1 - alpha)")
    axes.set_ylabel("coverage on the test split")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="upper left")
    return _data_uri(figure)


def length_plot(lengths: list[int]) -> str:
    """Histogram of the training texts' lengths in characters."""
    figure = _figure(5.0, 2.8)
    axes = figure.add_subplot()
    values = np.asarray(lengths, dtype=float)
    top = float(np.percentile(values, 99)) if len(values) else 1.0
    axes.hist(np.clip(values, 0, top), bins=30, color=_COLOURS[0], alpha=0.8)
    axes.set_xlabel("characters (clipped at the 99th percentile)")
    axes.set_ylabel("training texts")
    axes.grid(alpha=0.3)
    return _data_uri(figure)
