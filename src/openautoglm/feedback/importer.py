"""``autoglm feedback import``: a file of corrections stored in one transaction."""

from __future__ import annotations

from pathlib import Path

from openautoglm.data.columns import choose_columns
from openautoglm.data.readers import read_table
from openautoglm.feedback.store import Correction, FeedbackStore
from openautoglm.registry.model_registry import Registry


def import_corrections(
    registry: Registry,
    name: str,
    path: str | Path,
    text_column: str | None = None,
    label_column: str | None = None,
    new_classes: bool = False,
) -> tuple[int, int]:
    """Store every (text, label) row of ``path`` for ``name``; returns (added, duplicates).

    Labels the production version does not know are refused (naming them) unless
    ``new_classes``; nothing is stored when any row is refused.
    """
    live = registry.get(name)
    frame = read_table(Path(path))
    choice = choose_columns(frame, text_column, label_column)
    texts = frame[choice.text_column].astype(str).tolist()
    labels = frame[choice.label_column].astype(str).str.strip().tolist()
    rows = [(t, y) for t, y in zip(texts, labels, strict=True) if t.strip() and y]
    if not rows:
        raise ValueError(f"{path} has no rows with both a text and a label")
    unknown = sorted({y for _, y in rows} - set(live.labels))
    if unknown and not new_classes:
        raise ValueError(
            f"{path} has labels {name} v{live.version} does not know: {unknown[:10]} (its "
            f"labels: {live.labels[:20]}); pass --new-classes to add them"
        )
    known = set(live.labels)
    corrections = [Correction(t, y, new_class=y not in known) for t, y in rows]
    receipts = FeedbackStore(registry.engine).add_many(name, corrections, source="import")
    duplicates = sum(r.duplicate for r in receipts)
    return len(receipts) - duplicates, duplicates
