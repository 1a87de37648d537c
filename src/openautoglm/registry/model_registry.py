"""The model registry: versions per name, stages, lineage and an audit trail of every change.

Metadata lives in a relational database (SQLite file by default, PostgreSQL by URL), bundles in
a content-addressed store on disk. Stage changes of one model are serialised by a lock on its
``registered_models`` row (SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE), so two promotions
at once both land, one after the other, and both are recorded.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from openautoglm.db.engine import home, open_engine, upsert_insert
from openautoglm.db.schema import ModelVersionRow, RegisteredModel, StageEventRow
from openautoglm.errors import OpenAutoGLMError
from openautoglm.evaluate.task_metrics import LOWER_IS_BETTER
from openautoglm.registry.bundle import BundleError, TextClassifier
from openautoglm.registry.bundle_store import BundleStore
from openautoglm.registry.records import STAGES, ModelVersion, StageEvent

STORE_ENV = "OPENAUTOGLM_BUNDLE_STORE"
_NAME = re.compile(r"^[\w][\w.-]{0,199}$")


class RegistryError(OpenAutoGLMError, LookupError):
    """An unknown model or version, or a request the registry cannot carry out."""


class GateRefused(OpenAutoGLMError):
    """A promotion the gate refused; the refusal is recorded. ``gate`` holds the evidence."""

    def __init__(self, message: str, gate: dict[str, Any]) -> None:
        super().__init__(message)
        self.gate = gate


def default_actor() -> str:
    """``user@host`` of this process: who asked, when the caller does not say."""
    return f"{getpass.getuser()}@{socket.gethostname()}"


class Registry:
    """Versions of named models with stages (staging, production, archived) and lineage.

    Example:
        >>> registry = Registry()                       # SQLite under ~/.openautoglm
        >>> v = registry.register("runs/t1", name="tickets")
        >>> registry.promote("tickets", v.version, reason="first model")
        >>> model = registry.load("tickets")            # the production version
    """

    def __init__(
        self, url: str | None = None, store: str | Path | None = None, engine: Engine | None = None
    ) -> None:
        self.engine = engine or open_engine(url)
        self.store = BundleStore(store or os.environ.get(STORE_ENV) or home() / "bundles")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # ------------------------------------------------------------------ reading
    def names(self) -> list[str]:
        """Every registered model name, sorted."""
        with self._sessions() as session:
            return _names(session)

    def versions(self, name: str | None = None) -> list[ModelVersion]:
        """The versions of ``name`` (or of every model), oldest first."""
        query = select(ModelVersionRow).order_by(ModelVersionRow.name, ModelVersionRow.version)
        if name is not None:
            self._require_model(name)
            query = query.where(ModelVersionRow.name == name)
        with self._sessions() as session:
            return [ModelVersion.model_validate(row) for row in session.scalars(query)]

    def get(self, name: str, version: int | str | None = None) -> ModelVersion:
        """One version: a number, ``"latest"``, or None / ``"production"`` for the live one."""
        with self._sessions() as session:
            return ModelVersion.model_validate(self._row(session, name, version))

    def production_version(self, name: str) -> int | None:
        """The version number in production, or None; one cheap query (servers poll it)."""
        query = select(ModelVersionRow.version).where(
            ModelVersionRow.name == name, ModelVersionRow.stage == "production"
        )
        with self._sessions() as session:
            return session.scalar(query)

    def history(self, name: str) -> list[StageEvent]:
        """Every stage change asked for on ``name``, oldest first, refusals included."""
        self._require_model(name)
        query = select(StageEventRow).where(StageEventRow.name == name).order_by(StageEventRow.id)
        with self._sessions() as session:
            return [StageEvent.model_validate(row) for row in session.scalars(query)]

    def load(
        self, name: str, version: int | str | None = None, key: str | bytes | None = None
    ) -> TextClassifier:
        """The classifier of a version (default: production), after its hashes are checked."""
        found = self.get(name, version)
        return self.store.load(found.bundle_digest, key)

    # ------------------------------------------------------------------ writing
    def register(
        self,
        source: str | Path,
        name: str,
        parent_version: int | None = None,
        actor: str | None = None,
        note: str | None = None,
        lineage: dict[str, Any] | None = None,
    ) -> ModelVersion:
        """Store the bundle of a run folder (or a bundle folder) as the next version, in staging.

        ``lineage`` adds what the caller knows of where it came from (a retrain's trigger and
        the corrections it used); the bundle's drift reference is kept there too.
        """
        _check_name(name)
        digest, manifest = self.store.put(source)
        run_dir = _run_folder(Path(source))
        with self._locked(name, create=True) as session:
            if parent_version is not None:
                self._row(session, name, parent_version)
            latest = session.scalar(
                select(ModelVersionRow.version)
                .where(ModelVersionRow.name == name)
                .order_by(ModelVersionRow.version.desc())
                .limit(1)
            )
            row = ModelVersionRow(
                name=name,
                version=(latest or 0) + 1,
                stage="staging",
                bundle_digest=digest,
                run_dir=str(run_dir) if run_dir else None,
                spec=manifest.get("spec"),
                metrics=manifest.get("metrics") or {},
                labels=list(manifest["labels"]),
                data_hash=manifest.get("data_hash"),
                test_hash=manifest.get("test_hash"),
                parent_version=parent_version,
                created_by=actor or default_actor(),
                note=note,
                lineage={"drift_reference": manifest.get("drift_reference"), **(lineage or {})},
            )
            session.add(row)
            session.add(_event(row, "register", None, "staging", actor, note, {}, False))
            session.flush()
            return ModelVersion.model_validate(row)

    def promote(
        self,
        name: str,
        version: int,
        force: bool = False,
        actor: str | None = None,
        reason: str | None = None,
        evidence: dict[str, Any] | None = None,
    ) -> ModelVersion:
        """Make ``version`` the production one (the old one is archived) if the gate agrees.

        The gate: the bundle must pass its hash check (always, even with ``force``), and the
        challenger must not score below the champion when both were tested on the same data.
        ``force`` skips the score check and is recorded. A refusal is recorded, then raised
        as GateRefused. ``evidence`` (a pipeline's paired test, say) is stored with the event,
        and refuses the promotion when it says ``passed: False`` (unless forced).
        """
        with self._locked(name) as session:
            row = self._row(session, name, version)
            champion = self._production(session, name)
            gate = self._gate(row, champion, force)
            if evidence is not None:
                gate["evidence"] = evidence
                if gate["passed"] and not force and not evidence.get("passed", True):
                    gate.update(passed=False, why=evidence.get("why", "the evidence says no"))
            if not gate["passed"]:
                session.add(_event(row, "promote", row.stage, "production", actor, reason, gate,
                                   force, outcome="refused"))  # fmt: skip
                session.commit()
                raise GateRefused(f"promotion of {name} v{version} refused: {gate['why']}", gate)
            if champion is not None and champion.id != row.id:
                session.add(_event(champion, "promote", "production", "archived", actor,
                                   f"replaced by v{version}", {}, force))  # fmt: skip
                champion.stage = "archived"
                session.flush()  # one production row at any instant
            session.add(_event(row, "promote", row.stage, "production", actor, reason, gate, force))
            row.stage = "production"
            session.flush()
            return ModelVersion.model_validate(row)

    def rollback(
        self, name: str, actor: str | None = None, reason: str | None = None
    ) -> ModelVersion:
        """Archive the production version and bring back the one that was live before it."""
        with self._locked(name) as session:
            current = self._production(session, name)
            if current is None:
                raise RegistryError(f"{name} has no production version to roll back")
            previous = self._previous_production(session, name, current.version)
            if previous is None:
                raise RegistryError(
                    f"{name} v{current.version} is the first version that was in production; "
                    "there is nothing to roll back to (promote another version instead)"
                )
            why = reason or f"rollback from v{current.version}"
            session.add(_event(current, "rollback", "production", "archived", actor, why, {},
                               False))  # fmt: skip
            current.stage = "archived"
            session.flush()
            session.add(_event(previous, "rollback", previous.stage, "production", actor, why, {},
                               False))  # fmt: skip
            previous.stage = "production"
            session.flush()
            return ModelVersion.model_validate(previous)

    def archive(
        self, name: str, version: int, actor: str | None = None, reason: str | None = None
    ) -> ModelVersion:
        """Move a version to archived (a production version must be replaced or rolled back)."""
        with self._locked(name) as session:
            row = self._row(session, name, version)
            if row.stage == "production":
                raise RegistryError(
                    f"{name} v{version} is in production; promote another version or roll back"
                )
            session.add(_event(row, "archive", row.stage, "archived", actor, reason, {}, False))
            row.stage = "archived"
            session.flush()
            return ModelVersion.model_validate(row)

    # ------------------------------------------------------------------ internals
    def _gate(
        self, row: ModelVersionRow, champion: ModelVersionRow | None, force: bool
    ) -> dict[str, Any]:
        try:
            self.store.check(row.bundle_digest)
        except BundleError as exc:
            return {"passed": False, "why": f"the bundle failed its hash check: {exc}"}
        if champion is None or champion.id == row.id:
            return {"passed": True, "why": "no production version to compare with"}
        if force:
            return {"passed": True, "why": "forced: the score check was skipped"}
        challenger, current = (
            ModelVersion.model_validate(row),
            ModelVersion.model_validate(champion),
        )
        return compare_scores(challenger, current)

    @contextmanager
    def _locked(self, name: str, create: bool = False) -> Iterator[Session]:
        """A transaction holding the lock on ``name``'s row; commits on success."""
        with self._sessions() as session, session.begin():
            if create:
                session.execute(_insert_ignore(self.engine, name))
            # a write first: PostgreSQL locks the row, SQLite takes its write lock, and both
            # make the next writer of this model wait here until this transaction ends
            touched = session.execute(
                update(RegisteredModel)
                .where(RegisteredModel.name == name)
                .values(policy=RegisteredModel.policy)
            )
            if touched.rowcount == 0:
                raise RegistryError(_unknown_model(name, _names(session)))
            yield session

    def _row(self, session: Session, name: str, version: int | str | None) -> ModelVersionRow:
        query = select(ModelVersionRow).where(ModelVersionRow.name == name)
        if version is None or version == "production":
            row = session.scalar(query.where(ModelVersionRow.stage == "production"))
            what = "no version in production (promote one first)"
        elif version == "latest":
            row = session.scalar(query.order_by(ModelVersionRow.version.desc()).limit(1))
            what = "no versions"
        else:
            number = _version_number(version)
            row = session.scalar(query.where(ModelVersionRow.version == number))
            what = f"no version {number}"
        if row is None:
            if name not in _names(session):
                raise RegistryError(_unknown_model(name, _names(session)))
            known = list(session.scalars(select(ModelVersionRow.version).where(
                ModelVersionRow.name == name).order_by(ModelVersionRow.version)))  # fmt: skip
            raise RegistryError(f"{name} has {what}; its versions: {known}")
        return row

    def _production(self, session: Session, name: str) -> ModelVersionRow | None:
        return session.scalar(
            select(ModelVersionRow).where(
                ModelVersionRow.name == name, ModelVersionRow.stage == "production"
            )
        )

    def _previous_production(
        self, session: Session, name: str, current: int
    ) -> ModelVersionRow | None:
        """The most recent other version that was promoted to production and still exists."""
        events = session.scalars(
            select(StageEventRow)
            .where(
                StageEventRow.name == name,
                StageEventRow.to_stage == "production",
                StageEventRow.outcome == "applied",
                StageEventRow.version != current,
            )
            .order_by(StageEventRow.id.desc())
        )
        for event in events:
            return self._row(session, name, event.version)
        return None

    def _require_model(self, name: str) -> None:
        if name not in self.names():
            raise RegistryError(_unknown_model(name, self.names()))


def compare_scores(challenger: ModelVersion, champion: ModelVersion) -> dict[str, Any]:
    """The score check of a promotion: never a worse model when the two are comparable."""
    metric = challenger.metric
    new, old = challenger.metrics.get(metric), champion.metrics.get(metric)
    facts = {"metric": metric, "challenger": new, "champion": old}
    if new is None or old is None:
        return {**facts, "passed": True, "why": f"no {metric} recorded for both; not compared"}
    if challenger.test_hash is None or challenger.test_hash != champion.test_hash:
        why = "tested on different data, so the scores are not compared"
        return {**facts, "passed": True, "why": why}
    worse = new > old if metric in LOWER_IS_BETTER else new < old
    if worse:
        why = f"{metric} {new:.4f} is worse than production v{champion.version}'s {old:.4f}"
        return {
            **facts,
            "passed": False,
            "why": f"{why} on the same test data (--force to override)",
        }
    return {
        **facts,
        "passed": True,
        "why": f"{metric} {new:.4f} vs {old:.4f} on the same test data",
    }


def _event(
    row: ModelVersionRow,
    action: str,
    from_stage: str | None,
    to_stage: str,
    actor: str | None,
    reason: str | None,
    gate: dict[str, Any],
    forced: bool,
    outcome: str = "applied",
) -> StageEventRow:
    return StageEventRow(
        name=row.name,
        version=row.version,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        outcome=outcome,
        forced=forced,
        actor=actor or default_actor(),
        reason=reason,
        gate=gate,
    )


def _names(session: Session) -> list[str]:
    return list(session.scalars(select(RegisteredModel.name).order_by(RegisteredModel.name)))


def _insert_ignore(engine: Engine, name: str):
    return (
        upsert_insert(engine, RegisteredModel).values(name=name, policy={}).on_conflict_do_nothing()
    )


def _check_name(name: str) -> None:
    if not _NAME.match(name or ""):
        raise RegistryError(
            f"invalid model name {name!r}: use letters, digits, '_', '.' or '-' "
            "(up to 200, starting with a letter or digit)"
        )


def _version_number(version: int | str) -> int:
    try:
        return int(str(version).lstrip("v"))
    except ValueError:
        raise RegistryError(
            f"invalid version {version!r}: a number, 'latest' or 'production'"
        ) from None


def _unknown_model(name: str, known: list[str]) -> str:
    return f"no model named {name!r} in the registry; registered: {known or 'none yet'}"


def _run_folder(source: Path) -> Path | None:
    """The run folder a registered bundle came from, when it came from one."""
    source = source.resolve()
    if (source / "spec.json").is_file():
        return source
    if (source.parent / "spec.json").is_file():
        return source.parent
    return None


__all__ = ["STAGES", "GateRefused", "Registry", "RegistryError", "compare_scores"]
