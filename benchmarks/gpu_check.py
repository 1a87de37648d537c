"""Device check of the neural families: placement, fit time, predict speed, test accuracy.

Runs on whatever device torch finds (CUDA when available, else the CPU) and exercises the
project's own code: the fastText-style family (English and Chinese), the fine-tuned MiniLM,
the frozen encoder, MC dropout, distillation into a fastText student with its ONNX export,
and one short ``AutoTask(...).run(time_budget=...)``. For each it prints the device its torch
modules are on (which must be cuda when a GPU is visible), fit seconds, predict rows/s and
test accuracy. Every model saved after training is then loaded again in a subprocess that
sees no GPU (``CUDA_VISIBLE_DEVICES=""``) and must predict the same labels, so bundles trained
on a GPU serve on CPU-only machines.

    python benchmarks/gpu_check.py --small                # a short run, e.g. on a laptop CPU
    python benchmarks/gpu_check.py --data DIR --out gpu_check.json

``--data`` holds ``sst2/`` and ``chnsenticorp/`` (train.csv, test.csv with columns text,
label), by default the shared datasets folder beside the checkout. Exits 1 when any check
fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
#: rows of the saved models' predictions compared with the CPU-only subprocess
VERIFY_ROWS = 200
#: labels may differ only where the GPU and CPU probabilities are this close to a tie
TIE_MARGIN = 1e-4


@dataclass
class Split:
    """Texts with integer labels (codes into ``labels``) for training and testing."""

    name: str
    language: str
    train_texts: list[str]
    train_y: np.ndarray
    test_texts: list[str]
    test_y: np.ndarray
    labels: list[str]
    folder: Path


@dataclass
class Row:
    """One check's figures."""

    check: str
    device: str = ""
    fit_s: float | None = None
    predict_rows_per_s: float | None = None
    accuracy: float | None = None
    status: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    """How much work each check does (--small shrinks it for a CPU run)."""

    en_train: int
    en_test: int
    zh_train: int
    zh_test: int
    finetune_epochs: int
    mc_passes: int
    distill_grid: bool
    autotask_budget: float


FULL = Settings(3000, 1000, 2000, 1000, 2, 10, True, 75.0)
SMALL = Settings(400, 200, 400, 200, 1, 3, False, 30.0)


# ---------------------------------------------------------------------------- helpers
def load_split(folder: Path, language: str, n_train: int, n_test: int) -> Split:
    """The first ``n_train``/``n_test`` rows of a dataset folder, labels coded in sorted order."""
    train = pd.read_csv(folder / "train.csv").head(n_train)
    test = pd.read_csv(folder / "test.csv").head(n_test)
    labels = sorted(train.label.astype(str).unique())
    code = {label: i for i, label in enumerate(labels)}
    return Split(
        folder.name,
        language,
        train.text.astype(str).tolist(),
        train.label.astype(str).map(code).to_numpy(dtype=np.int64),
        test.text.astype(str).tolist(),
        test.label.astype(str).map(code).fillna(-1).to_numpy(dtype=np.int64),
        labels,
        folder,
    )


def expected_device() -> str:
    """The device type the project should pick here."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def check_device(device: str) -> None:
    """Fail when torch modules are not on the device the machine offers."""
    want = expected_device()
    if not device.startswith(want):
        raise AssertionError(f"torch modules are on {device!r}, expected {want!r}")


def module_device(model: Any) -> str:
    """Device of a fitted torch family's network (``module_``)."""
    return str(next(model.module_.parameters()).device)


def sync() -> None:
    """Wait for queued GPU work, so wall-clock timings are complete."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed_fit(fit: Callable[[], Any]) -> tuple[Any, float]:
    """The fitted model and its fit seconds."""
    sync()
    start = time.perf_counter()
    model = fit()
    sync()
    return model, time.perf_counter() - start


def score(predict_proba: Callable[[list[str]], np.ndarray], split: Split) -> tuple[float, float]:
    """Predict rows/s (after a small warm-up) and accuracy on the test texts."""
    predict_proba(split.test_texts[:16])
    sync()
    start = time.perf_counter()
    proba = np.asarray(predict_proba(split.test_texts))
    sync()
    rows_per_s = len(split.test_texts) / max(time.perf_counter() - start, 1e-9)
    return rows_per_s, float((proba.argmax(axis=1) == split.test_y).mean())


def to_save(
    saved: list[dict[str, Any]], name: str, kind: str, path: Path, model: Any, split: Split
) -> None:
    """Record a saved model and its probabilities here, for the CPU-only subprocess."""
    texts = split.test_texts[:VERIFY_ROWS]
    proba = np.asarray(model.predict_proba(texts), dtype=np.float64)
    np.save(path.parent / f"{path.name}.expected.npy", proba)
    saved.append(
        {
            "name": name,
            "kind": kind,
            "path": str(path),
            "family": getattr(model, "family", None),
            "expected": str(path.parent / f"{path.name}.expected.npy"),
            "texts": texts,
        }
    )


# ----------------------------------------------------------------------------- checks
def fit_and_save(
    name: str, model: Any, split: Split, work: Path, saved: list[dict[str, Any]]
) -> Row:
    """Fit a candidate, check its device, score it and save it for the CPU reload."""
    _, fit_s = timed_fit(lambda: model.fit(split.train_texts, split.train_y))
    device = module_device(model)
    check_device(device)
    rows_per_s, accuracy = score(model.predict_proba, split)
    path = work / name.replace(" ", "-")
    model.save(path)
    to_save(saved, name, "candidate", path, model, split)
    return Row(name, device, fit_s, rows_per_s, accuracy)


def check_fasttext(split: Split, work: Path, saved: list[dict[str, Any]]) -> tuple[Row, Any]:
    """The fastText-style family: fit, predict, save."""
    from openautoglm.models.fasttext import FastTextCandidate

    name = f"fasttext {split.name}"
    model = FastTextCandidate(language=split.language)
    row = fit_and_save(name, model, split, work, saved)
    row.extra = {"epochs_run": len(model.fit_history_), "train_rows": len(split.train_texts)}
    return row, model


def check_finetune(
    split: Split, work: Path, saved: list[dict[str, Any]], epochs: int
) -> tuple[Row, Any]:
    """The fine-tuned MiniLM family: fit, predict, save."""
    from openautoglm.models.finetune import FineTuneCandidate

    model = FineTuneCandidate(epochs=epochs)
    row = fit_and_save(f"finetune {split.name}", model, split, work, saved)
    row.extra = {"epochs": epochs, "stopped_early": model.stopped_early_,
                 "train_rows": len(split.train_texts)}  # fmt: skip
    return row, model


def check_frozen(split: Split, work: Path, saved: list[dict[str, Any]]) -> Row:
    """The frozen encoder family (no run cache, so embedding time counts): fit, predict, save."""
    from openautoglm.models.encoder_loading import load_sentence_encoder
    from openautoglm.models.frozen_encoder import FrozenEncoderCandidate

    model, fit_s = timed_fit(lambda: FrozenEncoderCandidate().fit(split.train_texts, split.train_y))
    encoder = load_sentence_encoder(model.encoder)
    device = str(encoder.device)
    check_device(device)
    rows_per_s, accuracy = score(model.predict_proba, split)
    path = work / f"frozen_encoder-{split.name}"
    model.save(path)
    to_save(saved, f"frozen_encoder {split.name}", "candidate", path, model, split)
    dtype = str(next(encoder.parameters()).dtype)
    return Row(f"frozen_encoder {split.name}", device, fit_s, rows_per_s, accuracy,
               extra={"encoder_dtype": dtype})  # fmt: skip


def check_mc_dropout(name: str, model: Any, split: Split, passes: int) -> Row:
    """MC dropout on a torch member: speed, accuracy of the mean, repeatability by seed."""
    from openautoglm.uncertainty.mc_dropout import mc_dropout_proba

    device = module_device(model)
    check_device(device)
    mc_dropout_proba(model, split.test_texts[:16], passes=2)  # warm-up
    sync()
    start = time.perf_counter()
    result = mc_dropout_proba(model, split.test_texts, passes=passes, seed=0)
    sync()
    seconds = time.perf_counter() - start
    accuracy = float((result.mean_proba.argmax(axis=1) == split.test_y).mean())
    head = split.test_texts[:100]
    first = mc_dropout_proba(model, head, passes=passes, seed=1).mean_proba
    again = mc_dropout_proba(model, head, passes=passes, seed=1).mean_proba
    other = mc_dropout_proba(model, head, passes=passes, seed=2).mean_proba
    repeat_diff = float(np.abs(first - again).max())
    seed_diff = float(np.abs(first - other).max())
    if repeat_diff > 1e-6:
        raise AssertionError(f"same seed, different MC dropout results (max diff {repeat_diff})")
    if seed_diff == 0.0:
        raise AssertionError("different seeds gave identical MC dropout results: no dropout")
    plain = model.predict_proba(head)
    if not np.allclose(model.predict_proba(head), plain):
        raise AssertionError("dropout stayed on after MC dropout: predict_proba is not stable")
    return Row(f"mc_dropout {name}", device, None, len(split.test_texts) / seconds, accuracy,
               extra={"passes": passes, "seconds": round(seconds, 3),
                      "mean_variance": float(result.variance.mean()),
                      "mean_mutual_information": float(result.mutual_information.mean()),
                      "same_seed_max_diff": repeat_diff,
                      "other_seed_max_diff": seed_diff})  # fmt: skip


def check_distill(
    teacher_model: Any, split: Split, work: Path, saved: list[dict[str, Any]], grid: bool
) -> Row:
    """Distil the fine-tuned teacher into a fastText student (ONNX export checked inside)."""
    from openautoglm.distill.distiller import TrainingData, distill
    from openautoglm.models.ensemble import WeightedEnsemble
    from openautoglm.registry.bundle import TextClassifier

    teacher = TextClassifier(WeightedEnsemble([teacher_model], [1.0]), split.labels)
    data = TrainingData(split.train_texts, split.train_y, split.test_texts, split.test_y,
                        split.labels, split.language)  # fmt: skip
    temperature, alpha = (None, None) if grid else (4.0, 0.7)
    student, fit_s = timed_fit(
        lambda: distill(teacher, data, "fasttext", temperature, alpha, out=work / "student")
    )
    member = student.model.model.members[0]
    device = module_device(member)
    check_device(device)
    rows_per_s, accuracy = score(student.predict_proba, split)
    to_save(saved, "distilled fasttext student", "bundle", student.path / "model",
            student.model, split)  # fmt: skip
    onnx = student.lineage["onnx"]
    return Row("distill -> fasttext (+onnx)", device, fit_s, rows_per_s, accuracy,
               extra={"T": student.temperature, "alpha": student.alpha,
                      "teacher_accuracy": student.metrics["teacher_accuracy"],
                      "agreement_with_teacher": student.metrics["agreement_with_teacher"],
                      "teacher_labelling_s": student.lineage["teacher_labelling_s"],
                      "grid_points": len(student.lineage["grid"]),
                      "transfer_rows": student.lineage["transfer_rows"],
                      "onnx_agreement": onnx["prediction_agreement"],
                      "onnx_max_abs_proba_diff": onnx["max_abs_proba_diff"],
                      "bundle_mb": student.metrics["bundle_mb"]})  # fmt: skip


def check_autotask(split: Split, work: Path, saved: list[dict[str, Any]], budget: float) -> Row:
    """One AutoTask run over the neural families plus a linear baseline, with a time budget."""
    from openautoglm import AutoTask

    task = AutoTask(
        dataset_path=split.folder / "train.csv",
        test_path=split.folder / "test.csv",
        run_dir=work / "autotask",
        families=["tfidf_lr", "fasttext", "frozen_encoder", "finetune"],
    )
    result, fit_s = timed_fit(lambda: task.run(time_budget=budget))
    members = result.model.model.members
    torch_members = [m for m in members if hasattr(m, "module_")]
    devices = sorted({module_device(m) for m in torch_members})
    for device in devices:
        check_device(device)
    codes = {label: i for i, label in enumerate(result.labels)}
    test = pd.read_csv(split.folder / "test.csv")
    test_split = Split(split.name, split.language, [], np.zeros(0), test.text.astype(str).tolist(),
                       test.label.astype(str).map(codes).fillna(-1).to_numpy(dtype=np.int64),
                       result.labels, split.folder)  # fmt: skip
    rows_per_s, accuracy = score(result.predict_proba, test_split)
    to_save(saved, "autotask bundle", "bundle", result.run_dir / "model", result.model, test_split)
    board = result.leaderboard
    trials = [
        f"{r.family}:{r.state}:{r.score:.3f}:{r.fit_s:.1f}s"
        if isinstance(r.score, float) and isinstance(r.fit_s, float)
        else f"{r.family}:{r.state}"
        for r in board.itertuples()
    ]
    return Row("autotask run", ",".join(devices) or "no torch member", fit_s, rows_per_s,
               accuracy, extra={"budget_s": budget, "test_rows": len(test_split.test_texts),
                                "run_accuracy": result.metrics.get("accuracy"),
                                "ensemble": [f"{m['family']}:{m['weight']:.2f}"
                                             for m in result.ensemble],
                                "trials": trials})  # fmt: skip


def check_cpu_reload(saved: list[dict[str, Any]], work: Path) -> list[Row]:
    """Load every saved model in a subprocess that sees no GPU; compare its predictions."""
    listing = work / "saved.json"
    listing.write_text(json.dumps(saved), encoding="utf-8")
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--verify", str(listing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    found = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(found) != len(saved):
        tail = (done.stdout + done.stderr)[-3000:]
        raise RuntimeError(f"CPU reload subprocess failed (exit {done.returncode}):\n{tail}")
    rows = []
    for item in found:
        status = "ok" if item["ok"] else "FAILED: " + item["why"]
        extra = {k: item[k] for k in ("label_agreement", "max_abs_proba_diff", "load_s")}
        extra["subprocess_s"] = round(seconds, 1)
        name = f"cpu reload: {item['name']}"
        rows.append(Row(name, item["device"], status=status, extra=extra))
    return rows


def verify(listing: Path) -> None:
    """Subprocess side of check_cpu_reload: one JSON line per saved model."""
    import torch

    import openautoglm
    from openautoglm.models.catalog import family_class

    for item in json.loads(listing.read_text(encoding="utf-8")):
        out: dict[str, Any] = {"name": item["name"], "ok": False, "why": "",
                               "device": "", "label_agreement": None,
                               "max_abs_proba_diff": None, "load_s": None}  # fmt: skip
        try:
            if torch.cuda.is_available():
                raise RuntimeError("the subprocess still sees a GPU")
            start = time.perf_counter()
            if item["kind"] == "bundle":
                model = openautoglm.load(item["path"])
                members = model.model.members
            else:
                model = family_class(item["family"]).load(Path(item["path"]))
                members = [model]
            out["load_s"] = round(time.perf_counter() - start, 2)
            devices = {module_device(m) for m in members if hasattr(m, "module_")}
            out["device"] = ",".join(sorted(devices)) or "cpu (no torch module)"
            got = np.asarray(model.predict_proba(item["texts"]), dtype=np.float64)
            want = np.load(item["expected"])
            diff = np.abs(got - want)
            out["max_abs_proba_diff"] = float(diff.max())
            same = got.argmax(axis=1) == want.argmax(axis=1)
            out["label_agreement"] = float(same.mean())
            top2 = np.sort(want, axis=1)[:, -2:]
            near_tie = (top2[:, 1] - top2[:, 0]) < TIE_MARGIN
            if any(d != "cpu" for d in devices):
                out["why"] = f"modules on {devices} in a process without a GPU"
            elif not (same | near_tie).all():
                out["why"] = f"{int((~same).sum())} labels differ from the GPU process"
            elif out["max_abs_proba_diff"] > 1e-3:
                out["why"] = f"probabilities differ by {out['max_abs_proba_diff']:.2e}"
            else:
                out["ok"] = True
        except Exception as exc:  # noqa: BLE001 - report every model, not just the first
            out["why"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(out), flush=True)


# -------------------------------------------------------------------------------- run
def environment() -> dict[str, Any]:
    """Torch version and the device torch sees."""
    import torch

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cuda_available": torch.cuda.is_available(),
        "threads": torch.get_num_threads(),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["cuda"] = torch.version.cuda
    return info


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width table (extras on the following line)."""

    def fmt(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [f"{'check':<40} {'device':<14} {'fit_s':>8} {'rows/s':>10} {'acc':>7}  status"]
    for r in rows:
        lines.append(
            f"{r.check:<40} {r.device:<14} {fmt(r.fit_s, 1):>8} "
            f"{fmt(r.predict_rows_per_s, 0):>10} {fmt(r.accuracy, 4):>7}  {r.status}"
        )
        if r.extra:
            lines.append("    " + json.dumps(r.extra, default=str))
    return "\n".join(lines)


def run_check(rows: list[Row], name: str, check: Callable[[], Any]) -> Any:
    """Run one check; a failure is recorded as a row and the others carry on."""
    start = time.perf_counter()
    print(f"--- {name}", flush=True)
    try:
        value = check()
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        traceback.print_exc()
        rows.append(Row(name, status=f"FAILED: {type(exc).__name__}: {exc}"[:300]))
        return None
    new = value if isinstance(value, list) else [value[0] if isinstance(value, tuple) else value]
    rows.extend(new)
    for r in new:
        print(table([r]).split("\n", 1)[1], flush=True)
    print(f"    ({time.perf_counter() - start:.1f} s)", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run every check, print the table; 1 when a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATASETS, help="holds sst2/, chnsenticorp/")
    parser.add_argument("--small", action="store_true", help="a short run (CPU)")
    parser.add_argument("--work", type=Path, help="folder for saved models (default: temporary)")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    parser.add_argument("--verify", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.verify:
        verify(args.verify)
        return 0
    settings = SMALL if args.small else FULL
    started = time.perf_counter()
    env = environment()
    print(json.dumps(env), flush=True)
    en = load_split(args.data / "sst2", "en", settings.en_train, settings.en_test)
    zh = load_split(args.data / "chnsenticorp", "zh", settings.zh_train, settings.zh_test)
    work = args.work or Path(tempfile.mkdtemp(prefix="gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    saved: list[dict[str, Any]] = []

    fasttext = run_check(rows, "fasttext sst2", lambda: check_fasttext(en, work, saved))
    run_check(rows, "fasttext chnsenticorp", lambda: check_fasttext(zh, work, saved))
    epochs, passes = settings.finetune_epochs, settings.mc_passes
    finetune = run_check(rows, "finetune sst2", lambda: check_finetune(en, work, saved, epochs))
    run_check(rows, "frozen_encoder sst2", lambda: check_frozen(en, work, saved))
    if fasttext is not None:
        ft_model = fasttext[1]
        run_check(
            rows,
            "mc_dropout fasttext",
            lambda: check_mc_dropout("fasttext sst2", ft_model, en, passes),
        )
    if finetune is not None:
        teacher = finetune[1]
        grid = settings.distill_grid
        run_check(
            rows,
            "mc_dropout finetune",
            lambda: check_mc_dropout("finetune sst2", teacher, en, passes),
        )
        run_check(
            rows,
            "distill -> fasttext (+onnx)",
            lambda: check_distill(teacher, en, work, saved, grid),
        )
    budget = settings.autotask_budget
    run_check(rows, "autotask run", lambda: check_autotask(en, work, saved, budget))
    run_check(rows, "cpu reload", lambda: check_cpu_reload(saved, work))

    import torch

    if torch.cuda.is_available():
        env["peak_gpu_memory_mb_this_process"] = round(torch.cuda.max_memory_allocated() / 2**20)
    env["total_s"] = round(time.perf_counter() - started, 1)
    print("\n" + table(rows))
    print(json.dumps(env))
    if args.out:
        args.out.write_text(
            json.dumps({"environment": env, "rows": [asdict(r) for r in rows]}, indent=2,
                       default=str), encoding="utf-8")  # fmt: skip
    failed = [r.check for r in rows if r.status != "ok"]
    print("FAILED: " + ", ".join(failed) if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
