"""Helpers for the service tests: kglink as a process (CLI and ``kglink serve``) with its
own KGLINK_HOME and the test session's Neo4j."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kglink_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``kglink ARGS`` in a subprocess with ``env``."""
    return subprocess.run([sys.executable, "-m", "kglink", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@dataclass
class Server:
    """A running ``kglink serve`` and the keys made for it."""

    url: str
    home: Path
    env: dict[str, str]
    keys: dict[str, str]  # key name -> key text

    def get(self, path: str, key: str | None = "investigator", **params) -> httpx.Response:
        headers = {"X-API-Key": self.keys.get(key, key)} if key else {}
        return httpx.get(self.url + path, params=params, headers=headers, timeout=60)

    def post(self, path: str, key: str | None = "investigator", headers: dict | None = None,
             **kwargs) -> httpx.Response:
        sent = {**(headers or {}), **({"X-API-Key": self.keys.get(key, key)} if key else {})}
        return httpx.post(self.url + path, headers=sent, timeout=60, **kwargs)

    def audit_lines(self) -> list[str]:
        path = self.home / "audit.jsonl"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def server_env(home: Path, database: str) -> dict[str, str]:
    """The environment of a kglink process using the test session's Neo4j and ``home``."""
    from graph.connection import target

    t = target(start_local=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KGLINK_"))}
    env.update(KGLINK_HOME=str(home), NEO4J_URI=t.uri, NEO4J_USER=t.user,
               NEO4J_PASSWORD=t.password, NEO4J_DATABASE=database, PYTHONPATH=str(ROOT),
               KGLINK_RESOLVER_REFRESH="1")  # a load during a test is served within seconds
    return env
