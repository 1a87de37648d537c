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
