"""Start and stop a real ``autoglm serve`` process on a free loopback port for the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from conftest import free_port


@dataclass
class Server:
    """A running service: its URL, keys and process."""

    url: str
    process: subprocess.Popen
    keys: dict[str, str]
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def headers(self, scope: str = "predict") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[scope]}"}

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)


def serve_command(name: str, key_file: Path, port: int, *extra: str) -> list[str]:
    code = "import sys; from openautoglm.cli import app; sys.argv[0] = 'autoglm'; app()"
    return [
        sys.executable,
        "-c",
        code,
        "serve",
        "--name",
        name,
        "--api-key-file",
        str(key_file),
        "--port",
        str(port),
        *extra,
    ]


def start_server(args: list[str], env: dict[str, str], keys: dict[str, str]) -> Server:
    """Start ``autoglm serve`` and wait until /readyz answers 200 (or the process dies)."""
    port = int(args[args.index("--port") + 1])
    process = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode}: {process.stdout.read()}"
            )
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Server(url, process, keys, args, env)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server did not become ready: {process.stdout.read()}")


def new_port() -> int:
    return free_port()
