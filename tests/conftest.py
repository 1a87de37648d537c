import random
import socket
from pathlib import Path

import pandas as pd
import pytest

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"

_TOPICS = {
    "sports": ["match", "goal", "team", "coach", "league", "score", "player", "season"],
    "tech": ["software", "chip", "startup", "cloud", "robot", "app", "data", "phone"],
    "food": ["recipe", "bread", "soup", "cheese", "spicy", "dinner", "kitchen", "bake"],
}


def make_texts(n_per_class: int, seed: int = 0) -> pd.DataFrame:
    """Separable synthetic English texts: topic words plus shared filler words."""
    rng = random.Random(seed)
    filler = ["the", "a", "new", "today", "big", "about", "really", "this"]
    rows = []
    for label, words in _TOPICS.items():
        for _ in range(n_per_class):
            tokens = rng.sample(words, 3) + rng.sample(filler, 3)
            rng.shuffle(tokens)
            rows.append({"text": " ".join(tokens), "label": label})
    return pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.csv"
    make_texts(40).to_csv(path, index=False)
    return path


def dataset(name: str) -> Path:
    """A shared benchmark dataset folder, or skip the test when it is absent."""
    folder = DATASETS / name
    if not (folder / "train.csv").is_file():
        pytest.skip(f"shared dataset {name} is not available")
    return folder


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for servers the tests start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_database() -> str:
    """A new, empty PostgreSQL database for one test (skips when no server answers)."""
    import uuid

    sqlalchemy = pytest.importorskip("sqlalchemy")
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"autoglm_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc.orig})")
    finally:
        admin.dispose()
    return name


def _drop_postgres_database(name: str) -> None:
    import sqlalchemy

    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database (skipped, with the reason, when no server answers)."""
    name = _postgres_database()
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    _drop_postgres_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path):
    """The same test on the embedded SQLite file and on the machine's PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    name = _postgres_database()
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    _drop_postgres_database(name)


def save_test_bundle(path: Path, accuracy: float, test_hash: str | None = "t1", seed: int = 0):
    """A real (small) TF-IDF bundle with the metrics and test hash a run would record."""
    from openautoglm.models.catalog import build_candidate
    from openautoglm.models.ensemble import WeightedEnsemble
    from openautoglm.registry.bundle import TextClassifier

    frame = make_texts(20, seed=seed)
    y = frame.label.astype("category").cat.codes.to_numpy()
    labels = list(frame.label.astype("category").cat.categories)
    model = build_candidate("tfidf_lr", {"C": 1.0 + seed}, "en").fit(frame.text.tolist(), y)
    info = {"metrics": {"accuracy": accuracy}, "test_hash": test_hash, "data_hash": f"d{seed}"}
    return TextClassifier(WeightedEnsemble([model], [1.0]), labels, info).save(path)
