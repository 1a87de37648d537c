"""The model being served, swapped for a newly promoted version without a failed request.

The new version is loaded (and its hashes checked) first; only then is the reference swapped,
which is a single assignment: a request sees the old model or the new one, never neither.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from openautoglm.registry.bundle import TextClassifier
from openautoglm.registry.model_registry import Registry, RegistryError

_log = logging.getLogger(__name__)
#: explicitly requested (non-production) versions kept loaded
PINNED_CACHE = 2


@dataclass(frozen=True)
class ServedModel:
    """A loaded version."""

    name: str
    version: int
    classifier: TextClassifier


class ModelHolder:
    """Holds the production version of one model; polls the registry for promotions."""

    def __init__(
        self,
        registry: Registry,
        name: str,
        poll_s: float = 2.0,
        on_swap: Callable[[ServedModel], None] | None = None,
    ) -> None:
        self.registry = registry
        self.name = name
        self.poll_s = poll_s
        self.on_swap = on_swap
        version = registry.production_version(name)
        if version is None:
            registry.get(name)  # raises the registry's own message for an unknown name
            raise RegistryError(f"{name} has no version in production; promote one first")
        self.current = self._load(version)
        self._pinned: OrderedDict[int, ServedModel] = OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> bool:
        """Swap to the production version if it changed; True when a swap happened."""
        with self._lock:
            version = self.registry.production_version(self.name)
            if version is None or version == self.current.version:
                return False
            loaded = self._load(version)
            self.current = loaded  # the swap: one reference assignment
        _log.info("now serving %s v%d", self.name, version)
        if self.on_swap:
            self.on_swap(loaded)
        return True

    def version(self, number: int | None) -> ServedModel:
        """The production model, or a registered version by number (loaded on first use)."""
        current = self.current
        if number is None or number == current.version:
            return current
        with self._lock:
            if number not in self._pinned:
                self._pinned[number] = self._load(number)
                while len(self._pinned) > PINNED_CACHE:
                    self._pinned.popitem(last=False)
            return self._pinned[number]

    def start(self) -> None:
        """Poll the registry every ``poll_s`` seconds in a background thread."""
        if self.poll_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._poll, name="model-poll", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.refresh()
            except Exception:  # a bad version or a database hiccup: keep serving the old one
                _log.exception("could not swap to the newly promoted version of %s", self.name)

    def _load(self, version: int) -> ServedModel:
        classifier = self.registry.load(self.name, version)
        return ServedModel(self.name, version, classifier)
