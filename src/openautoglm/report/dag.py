"""The run's plan DAG: rebuilt from its spec and settings, laid out level by level for SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openautoglm.engine.settings import EngineSettings
from openautoglm.spec import TaskSpec
from openautoglm.workflow import RunWorkflow

#: node box size and gaps of the drawing, in SVG units
NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 100, 44, 44, 16, 10
#: vertical distance between the lanes of edges that skip levels
LANE_GAP = 7


def plan_rows(
    spec: dict[str, Any], run_dir: Path, settings: dict[str, Any], steps: dict[str, Any]
) -> tuple[list[dict[str, Any]], str]:
    """The run's plan steps (level, inputs, outputs, resources) with their recorded status."""
    n_jobs = int(settings.get("n_jobs") or 1)
    strategy = str(settings.get("strategy") or "dag")
    engine = EngineSettings(n_jobs, strategy=strategy)  # type: ignore[arg-type]
    workflow = RunWorkflow(TaskSpec.model_validate(spec), run_dir, n_jobs,
                           settings.get("families"), engine=engine)  # fmt: skip
    rows = workflow.plan().describe()
    for row in rows:
        recorded = steps.get(row["step"]) or {}
        row["status"] = recorded.get("status") or "not run"
        row["attempts"] = recorded.get("attempts")
        row["seconds"] = recorded.get("seconds")
    return rows, strategy


def layout(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Node boxes (one column per level) and edge paths (dependency to step) for an SVG.

    An edge between neighbouring columns is a curve; one that skips columns runs along a lane
    above the nodes (one lane per source step), so it never crosses a box.
    """
    columns: dict[int, list[str]] = {}
    for row in rows:
        columns.setdefault(row["level"], []).append(row["step"])
    level = {row["step"]: row["level"] for row in rows}
    long_sources = sorted(
        {d for row in rows for d in row["inputs"] if row["level"] - level[d] > 1},
        key=lambda name: (level[name], name),
    )
    lane_of = {name: MARGIN + i * LANE_GAP for i, name in enumerate(long_sources)}
    top_space = MARGIN + len(long_sources) * LANE_GAP + (GAP_Y if long_sources else 0)
    tallest = max((len(c) for c in columns.values()), default=1)
    body = tallest * NODE_H + (tallest - 1) * GAP_Y
    nodes: dict[str, dict[str, Any]] = {}
    for row in rows:
        column = columns[row["level"]]
        used = len(column) * NODE_H + (len(column) - 1) * GAP_Y
        top = top_space + (body - used) / 2 + column.index(row["step"]) * (NODE_H + GAP_Y)
        nodes[row["step"]] = {**row, "x": MARGIN + row["level"] * (NODE_W + GAP_X), "y": top}
    edges = []
    for node in nodes.values():
        for dep in node["inputs"]:
            source = nodes[dep]
            x1, y1 = source["x"] + NODE_W, source["y"] + NODE_H / 2
            x2, y2 = node["x"] - 3, node["y"] + NODE_H / 2
            if node["level"] - source["level"] > 1:
                lane, h = lane_of[dep], GAP_X / 2
                path = (
                    f"M{x1:.1f},{y1:.1f} C{x1 + h:.1f},{y1:.1f} {x1 + h:.1f},{lane:.1f} "
                    f"{x1 + GAP_X:.1f},{lane:.1f} L{x2 - GAP_X:.1f},{lane:.1f} "
                    f"C{x2 - h:.1f},{lane:.1f} {x2 - h:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
                )
            else:
                middle = (x1 + x2) / 2
                path = (
                    f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} "
                    f"{x2:.1f},{y2:.1f}"
                )
            edges.append({"source": dep, "target": node["step"], "path": path})
    width = 2 * MARGIN + len(columns) * NODE_W + (len(columns) - 1) * GAP_X
    return {"nodes": list(nodes.values()), "edges": edges, "width": width,
            "height": top_space + body + MARGIN, "node_w": NODE_W, "node_h": NODE_H}  # fmt: skip
