"""How far fine-tuning the bundled encoder can go on one dataset, over a grid of settings.

Fits the fine-tune family (a cross-encoder for text pairs) once per setting on the training
split and prints its best validation accuracy (the family's own 10% early-stopping split, the
only figure a setting is chosen by) and its test accuracy, the test figure only for reading
the ceiling, never for choosing. Meant for a GPU, where the whole grid takes minutes; on the
CPU use ``--small``.

    python benchmarks/finetune_sweep.py --data DATASETS/msrp --lrs 2e-5,5e-5,1e-4 \\
        --epochs 3,6,10 --max-length 128
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from openautoglm.data.pairs import join_columns
from openautoglm.models.encoder_loading import pick_device
from openautoglm.models.finetune import FineTuneCandidate


def load_split(folder: Path, name: str, rows: int | None) -> tuple[list[str], np.ndarray]:
    """Texts (pairs joined as the family reads them) and label codes of one split."""
    meta = json.loads((folder / "meta.json").read_text())
    frame = pd.read_csv(folder / f"{name}.csv")
    if rows is not None:
        frame = frame.sample(n=min(rows, len(frame)), random_state=0)
    columns = meta.get("text_column", "text")  # single-label sets: columns text, label
    columns = columns if isinstance(columns, list) else [columns]
    texts = (
        join_columns(frame, columns, name)
        if len(columns) == 2
        else frame[columns[0]].astype(str).tolist()
    )
    return texts, frame[meta.get("label_column", "label")].to_numpy()


def run_setting(
    train: tuple[list[str], np.ndarray], test: tuple[list[str], np.ndarray], **params: Any
) -> dict[str, Any]:
    """One fit: its parameters, best validation accuracy, test accuracy and seconds."""
    classes = np.unique(train[1])
    codes = np.searchsorted(classes, train[1])
    started = time.perf_counter()
    model = FineTuneCandidate(**params).fit(train[0], codes)
    fit_s = time.perf_counter() - started
    predicted = classes[model.predict(test[0])]
    val = [r["val_accuracy"] for r in model.fit_history_ if "val_accuracy" in r]
    return {
        **params,
        "val_accuracy": max(val) if val else None,
        "test_accuracy": float(np.mean(predicted == test[1])),
        "fit_s": round(fit_s, 1),
        "epochs_run": model.fit_history_[-1]["epoch"] if model.fit_history_ else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with train/test/meta")
    parser.add_argument("--lrs", default="2e-5,5e-5,1e-4")
    parser.add_argument("--epochs", default="3,6")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--small", action="store_true", help="300 training rows, 200 test rows")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args()
    train = load_split(args.data, "train", 300 if args.small else None)
    test = load_split(args.data, "test", 200 if args.small else None)
    print(f"device {pick_device()}; {len(train[0])} train rows, {len(test[0])} test rows")
    rows = []
    grid = itertools.product(
        [float(v) for v in args.lrs.split(",")],
        [int(v) for v in args.epochs.split(",")],
        [int(v) for v in args.seeds.split(",")],
    )
    for lr, epochs, seed in grid:
        row = run_setting(
            train, test, lr=lr, epochs=epochs, seed=seed,
            max_length=args.max_length, batch_size=args.batch_size,
        )  # fmt: skip
        rows.append(row)
        print(json.dumps(row), flush=True)
    best = max(rows, key=lambda r: r["val_accuracy"] or 0.0)
    print("chosen by validation:", json.dumps(best))
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
