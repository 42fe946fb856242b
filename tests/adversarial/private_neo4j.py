"""A kglink local Neo4j of a test's own: a fresh ``KGLINK_HOME`` and a free Bolt port, so a
test can read its files, kill it or break its credentials without touching the session's
server. The jars are seeded offline from the session's home."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_private(src: Path, dst: Path) -> None:
    """Copy a tree with modes 0700/0600 (not the source's), as kglink would have made it."""
    for root, _dirs, files in os.walk(src):
        target = dst / Path(root).relative_to(src)
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in files:
            fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, open(Path(root) / name, "rb") as inp:
                shutil.copyfileobj(inp, out)


def seed_jars(home: Path) -> None:
    """Give a fresh home the session server's Neo4j jars, resolving them first (once, with
    Maven, as the session server would) when these tests run before any server started:
    on a fresh machine they come first."""
    from graph.local_server import LocalNeo4j

    session = LocalNeo4j.from_env()
    session.install()
    old = os.umask(0o077)
    try:
        copy_private(session.lib_dir, home / "neo4j" / session.lib_dir.name)
    finally:
        os.umask(old)


class PrivateNeo4j:
    """kglink's local server on ``home`` and a free port; ``kglink(...)`` runs the CLI
    against it as a real process."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        seed_jars(home)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("NEO4J_") and k not in ("KGLINK_JUDGMENTS", "KGLINK_DEBUG")}
        self.env = env | {"KGLINK_HOME": str(home), "KGLINK_BOLT_PORT": str(self.port),
                          "KGLINK_NEO4J_HEAP": "512m", "KGLINK_NEO4J_PAGECACHE": "128m"}

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def password(self) -> str:
        return (self.home / "neo4j" / "password").read_text().strip()

    def kglink(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess:
        """``kglink ARGS`` against this server (``env`` adds to or overrides its variables)."""
        return subprocess.run([sys.executable, "-m", "kglink", *args], cwd=cwd,
                              env=self.env | (env or {}), capture_output=True, text=True,
                              timeout=timeout)

    def popen(self, *args: str, cwd: Path | None = None) -> subprocess.Popen:
        """``kglink ARGS`` started in the background, its output piped."""
        return subprocess.Popen([sys.executable, "-m", "kglink", *args], cwd=cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def start(self) -> None:
        done = self.kglink("neo4j", "start")
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        self.kglink("neo4j", "stop", timeout=120)

    def server_pid(self) -> int:
        return int((self.home / "neo4j" / "run" / "kglink-server.pid").read_text())
