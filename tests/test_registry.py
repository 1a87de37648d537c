"""The model registry on SQLite and on PostgreSQL: versions, stages, gate, lineage, audit."""

import multiprocessing
import shutil
from pathlib import Path

import pytest
from conftest import save_test_bundle
from typer.testing import CliRunner

from openautoglm.cli import app
from openautoglm.db.engine import DatabaseUnavailable
from openautoglm.registry.bundle import BundleError
from openautoglm.registry.model_registry import GateRefused, Registry, RegistryError


@pytest.fixture
def registry(database_url, tmp_path) -> Registry:
    return Registry(database_url, tmp_path / "store")


def test_register_numbers_versions_and_keeps_lineage(registry, tmp_path) -> None:
    first = registry.register(save_test_bundle(tmp_path / "a", 0.8), "tickets", note="initial")
    second = registry.register(save_test_bundle(tmp_path / "b", 0.9, seed=1), "tickets",
                               parent_version=1)  # fmt: skip
    assert (first.version, first.stage, second.version, second.parent_version) == (
        1,
        "staging",
        2,
        1,
    )
    assert second.metrics["accuracy"] == 0.9 and second.data_hash == "d1"
    assert first.note == "initial" and "@" in first.created_by
    assert registry.store.path(first.bundle_digest).is_dir()
    assert registry.names() == ["tickets"]
    assert [v.version for v in registry.versions("tickets")] == [1, 2]
    assert registry.get("tickets", "latest").version == 2


def test_same_bundle_twice_is_stored_once(registry, tmp_path) -> None:
    bundle = save_test_bundle(tmp_path / "a", 0.8)
    a, b = registry.register(bundle, "m"), registry.register(bundle, "m")
    assert a.bundle_digest == b.bundle_digest
    assert len(list(registry.store.root.glob("*/*"))) == 1


def test_promote_archives_the_champion_and_rollback_restores_it(registry, tmp_path) -> None:
    registry.register(save_test_bundle(tmp_path / "a", 0.8), "m")
    registry.register(save_test_bundle(tmp_path / "b", 0.9, seed=1), "m")
    registry.promote("m", 1, reason="first")
    registry.promote("m", 2, reason="better")
    assert [(v.version, v.stage) for v in registry.versions("m")] == [
        (1, "archived"),
        (2, "production"),
    ]
    assert registry.production_version("m") == 2
    restored = registry.rollback("m", reason="bad in production")
    assert restored.version == 1 and registry.production_version("m") == 1
    assert registry.get("m", 2).stage == "archived"
    actions = [(e.action, e.version, e.to_stage) for e in registry.history("m")]
    assert actions[-2:] == [("rollback", 2, "archived"), ("rollback", 1, "production")]
    assert registry.load("m").predict(["goal by the team"]) == ["sports"]


def test_gate_refuses_a_worse_model_and_records_it(registry, tmp_path) -> None:
    registry.register(save_test_bundle(tmp_path / "a", 0.9), "m")
    registry.register(save_test_bundle(tmp_path / "b", 0.7, seed=1), "m")
    registry.promote("m", 1)
    with pytest.raises(GateRefused, match="worse than production v1"):
        registry.promote("m", 2)
    assert registry.production_version("m") == 1
    refused = registry.history("m")[-1]
    assert (refused.outcome, refused.gate["passed"], refused.gate["champion"]) == (
        "refused",
        False,
        0.9,
    )
    forced = registry.promote("m", 2, force=True, reason="known trade-off")
    assert forced.stage == "production" and registry.history("m")[-1].forced


def test_scores_on_different_test_data_are_not_compared(registry, tmp_path) -> None:
    registry.register(save_test_bundle(tmp_path / "a", 0.9, test_hash="x"), "m")
    registry.register(save_test_bundle(tmp_path / "b", 0.7, test_hash="y", seed=1), "m")
    registry.promote("m", 1)
    assert registry.promote("m", 2).stage == "production"
    assert "different data" in registry.history("m")[-1].gate["why"]


def test_a_tampered_bundle_is_neither_promoted_nor_loaded(registry, tmp_path) -> None:
    version = registry.register(save_test_bundle(tmp_path / "a", 0.9), "m")
    stored = registry.store.path(version.bundle_digest)
    weights = next(p for p in stored.rglob("*") if p.is_file() and p.name != "manifest.json")
    weights.write_bytes(weights.read_bytes() + b"x")
    with pytest.raises(GateRefused, match="hash check"):
        registry.promote("m", 1, force=True)
    assert registry.history("m")[-1].outcome == "refused"
    with pytest.raises(BundleError, match="does not match its hash"):
        registry.load("m", 1)


def test_unknown_names_and_versions_say_what_exists(registry, tmp_path) -> None:
    registry.register(save_test_bundle(tmp_path / "a", 0.9), "m")
    with pytest.raises(RegistryError, match=r"no model named 'x'.*\['m'\]"):
        registry.get("x")
    with pytest.raises(RegistryError, match=r"no version 7; its versions: \[1\]"):
        registry.get("m", 7)
    with pytest.raises(RegistryError, match="no version in production"):
        registry.load("m")
    with pytest.raises(RegistryError, match="invalid model name"):
        registry.register(tmp_path / "a", "bad/name")
    registry.promote("m", 1)
    with pytest.raises(RegistryError, match="nothing to roll back"):
        registry.rollback("m")


def test_unreachable_database_fails_at_start_with_the_url() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"cannot reach the database at .*:1/none"):
        Registry("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable, match="cannot read the database URL"):
        Registry("not a url")


def _promote(url: str, store: str, version: int, start) -> None:
    start.wait()
    Registry(url, store).promote("m", version, force=True, reason=f"race {version}")


def test_two_promotions_at_once_both_land_in_order(database_url, tmp_path) -> None:
    registry = Registry(database_url, tmp_path / "store")
    for seed in range(3):
        registry.register(save_test_bundle(tmp_path / f"b{seed}", 0.8, seed=seed), "m")
    registry.promote("m", 1)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    store = str(tmp_path / "store")
    workers = [
        context.Process(target=_promote, args=(database_url, store, v, start)) for v in (2, 3)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    stages = {v.version: v.stage for v in registry.versions("m")}
    assert sorted(stages.values()) == ["archived", "archived", "production"]
    applied = [e for e in registry.history("m") if e.to_stage == "production" and e.version > 1]
    assert sorted(e.version for e in applied) == [2, 3]
    assert stages[applied[-1].version] == "production"  # the later one wins


def test_cli_register_promote_list_rollback(database_url, tmp_path) -> None:
    runner = CliRunner()
    env = {
        "OPENAUTOGLM_REGISTRY_URL": database_url,
        "OPENAUTOGLM_BUNDLE_STORE": str(tmp_path / "s"),
    }
    save_test_bundle(tmp_path / "run" / "model", 0.9)
    (tmp_path / "run" / "spec.json").write_text("{}")
    save_test_bundle(tmp_path / "worse", 0.5, seed=1)
    result = runner.invoke(
        app, ["models", "register", str(tmp_path / "run"), "--name", "t"], env=env
    )
    assert result.exit_code == 0, result.output
    assert (
        runner.invoke(
            app, ["models", "register", str(tmp_path / "worse"), "--name", "t"], env=env
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["models", "promote", "t", "1"], env=env).exit_code == 0
    refused = runner.invoke(app, ["models", "promote", "t", "2"], env=env)
    assert refused.exit_code == 10 and "worse than production v1" in refused.output
    listed = runner.invoke(app, ["models", "list", "t", "--json"], env=env)
    rows = __import__("json").loads(listed.stdout)
    assert [(r["version"], r["stage"]) for r in rows] == [(1, "production"), (2, "staging")]
    assert rows[0]["run_dir"] == str((tmp_path / "run").resolve())
    assert runner.invoke(app, ["models", "promote", "t", "2", "--force"], env=env).exit_code == 0
    assert runner.invoke(app, ["models", "rollback", "t"], env=env).exit_code == 0
    missing = runner.invoke(app, ["models", "list", "nope"], env=env)
    assert missing.exit_code == 2 and "no model named 'nope'" in missing.output


def test_registering_something_that_is_not_a_bundle_changes_nothing(registry, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(BundleError, match="not a model bundle"):
        registry.register(tmp_path / "empty", "m")
    assert registry.names() == []
    shutil.rmtree(tmp_path / "empty")
    assert not Path(registry.store.root).exists() or not any(registry.store.root.rglob("*"))


def test_migrations_match_the_schema(database_url) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from openautoglm.db.engine import open_engine
    from openautoglm.db.schema import Base

    engine = open_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
