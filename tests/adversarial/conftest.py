"""Shared fixtures for the adversarial suite: hostile source files behind a SOURCES.yaml, and
the kglink CLI run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PERSON_COLUMNS = {"姓名": "name", "身份证": "id_number"}


class HostileSources:
    """Writes one hostile data file and a SOURCES.yaml that maps it, in a fresh directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def source(self, body: bytes | str, fmt: str = "csv", entity: str = "person",
               id_column: str = "记录号", columns: dict[str, str] | None = None,
               department: str = "公安厅户籍", encoding: str = "auto") -> Path:
        """SOURCES.yaml for `body` written as data.<fmt> (str bodies as UTF-8)."""
        data = self.root / f"data.{fmt}"
        data.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        return self.spec(f"""sources:
  - department: {department}
    entity: {entity}
    format: {fmt}
    path: data.{fmt}
    encoding: {encoding}
    id_column: {id_column}
    columns: {{{', '.join(f'{k}: {v}' for k, v in (columns or PERSON_COLUMNS).items())}}}
""")

    def spec(self, text: str, name: str = "SOURCES.yaml") -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def hostile(tmp_path) -> HostileSources:
    return HostileSources(tmp_path)


def _run_kglink(*args: str, timeout: float = 120, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`kglink ARGS` as a real process (the repository's interpreter), text output."""
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def kglink_cli():
    """Runs `kglink ARGS` as a real process: kglink_cli("ingest", spec, "--out", dir)."""
    return _run_kglink
