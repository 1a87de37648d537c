"""``autoglm distill RUN``: distil a finished run's model into a small student."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from openautoglm.cli_messages import print_error
from openautoglm.errors import OpenAutoGLMError


def distill(
    run: Annotated[Path, typer.Argument(help="A finished run folder (its model is the teacher).")],
    target: Annotated[str, typer.Option(help="Student: fasttext or linear.")] = "fasttext",
    unlabeled: Annotated[
        Path | None, typer.Option(help="Unlabelled texts for the teacher to label (csv, txt...).")
    ] = None,
    temperature: Annotated[
        float | None, typer.Option(help="Softmax temperature T (default: searched).")
    ] = None,
    alpha: Annotated[
        float | None, typer.Option(help="Weight of the teacher's soft targets, in (0, 1).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Student folder (default RUN/refit/student-TARGET).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an earlier student there.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Distil RUN's model (the teacher) into a fastText or linear student, with ONNX export."""
    from openautoglm.distill.distiller import TrainingData
    from openautoglm.distill.distiller import distill as run_distill
    from openautoglm.engine.state import RunState
    from openautoglm.registry.bundle import load_bundle
    from openautoglm.run_records import data_from_json

    try:
        if not (run / "state.db").is_file():
            raise FileNotFoundError(
                f"{run} is not a run folder (no state.db): distillation needs the run's "
                "training data; pass the --out folder of `autoglm run`"
            )
        state = RunState(run / "state.db")
        try:
            loaded = state.step("load")
        finally:
            state.close()
        if not loaded or loaded.get("status") != "done":
            raise FileNotFoundError(f"{run} has no loaded data yet; finish the run first")
        data = data_from_json(loaded["result"])
        teacher = load_bundle(run)
        train = TrainingData.from_prepared(data)
        student = run_distill(
            teacher,
            train,
            target,
            temperature,
            alpha,
            out=out or run / "refit" / f"student-{target}",
            unlabeled=unlabeled,
            teacher_path=run / "model",
            run_dir=run,
            overwrite=overwrite,
        )
    except (OpenAutoGLMError, FileNotFoundError, FileExistsError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    summary = {
        "path": str(student.path),
        "target": student.target,
        "temperature": student.temperature,
        "alpha": student.alpha,
        "metrics": student.metrics,
        "validation": student.lineage["validation"],
        "onnx": student.lineage["onnx"],
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
        return
    m = student.metrics
    typer.echo(
        f"student {student.target} (T={student.temperature:g}, alpha={student.alpha:g}) in "
        f"{student.path}\n  test accuracy {m['accuracy']:.4f} (teacher "
        f"{m['teacher_accuracy']:.4f}), agreement with the teacher "
        f"{m['agreement_with_teacher']:.4f}\n  latency p50 {m['latency_ms_p50']:.2f} ms, "
        f"{m['predict_rows_per_s']:,.0f} rows/s, bundle {m['bundle_mb']:.2f} MB; ONNX "
        f"{student.lineage['onnx']['file']} ({student.lineage['onnx']['mode']})"
    )
