"""Fixtures for the loader tests: a throwaway PostgreSQL cluster and generated sources."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    pytest.fail(f"PostgreSQL server binary {name!r} not found: run "
                "tests/services/ensure-postgres.sh (make test does) or apt-get install "
                "postgresql", pytrace=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """SQLAlchemy URL of a fresh PostgreSQL cluster (trust auth on 127.0.0.1), stopped after.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user and
    the commands run through `runuser`.
    """
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    root = tmp_path_factory.mktemp("pg")
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        os.chmod(root, 0o755)
        parent = root.parent
        while parent != parent.parent:  # let postgres traverse the pytest tmp dirs
            os.chmod(parent, os.stat(parent).st_mode | 0o711)
            parent = parent.parent
    port = _free_port()

    def run(*args: str) -> None:
        proc = subprocess.run(prefix + list(args), capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            pytest.fail(f"{' '.join(args[:2])} failed: {proc.stderr.strip()[-500:]}",
                        pytrace=False)

    run(initdb, "-D", str(data), "--auth=trust", "--username=postgres", "--encoding=UTF8",
        "--no-locale")
    run(pg_ctl, "-D", str(data), "-w", "-t", "60", "-l", str(root / "log.txt"), "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """A small mixed-format generated source set (SOURCES.yaml path)."""
    from loaders.synthetic import generate

    return generate(tmp_path_factory.mktemp("gen"), persons=600, organizations=120, seed=11)


@pytest.fixture(scope="session")
def generated_ingest(generated):
    """The Ingested result of the generated sources."""
    from loaders.ingest import ingest
    from loaders.spec import load_spec

    return ingest(load_spec(generated), progress=False)
