"""Least privilege on disk: every file and directory kglink creates under a fresh
``$KGLINK_HOME`` (the local Neo4j's store, transaction logs, logs, conf, password, jars'
staging, the loads lock, the judgment log) and every output it writes (exports, ontology
export, ingest/link outputs) is private to its owner: exactly no group or other permission
bit. The test process keeps the usual umask 022, so kglink must set its own; its own server
runs on a fresh home and a free port."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from private_neo4j import PrivateNeo4j

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java runtime")


def widened(path: Path) -> list[str]:
    """Every file or directory at or under ``path`` with a group or other bit, as 'mode path'."""
    found = []
    for p in [path, *path.rglob("*")]:
        mode = stat.S_IMODE(p.lstat().st_mode)
        if not p.is_symlink() and mode & 0o077:
            found.append(f"{mode:o} {p}")
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Iterator[dict[str, Path]]:
    """A fresh KGLINK_HOME and outputs after: neo4j start, a run of generated data, a
    judgment, export, ontology export, ingest and link. Yields the home and output dirs."""
    from loaders.synthetic import generate

    base = tmp_path_factory.mktemp("files")
    home, out, work = base / "home", base / "out", base / "work"
    server = PrivateNeo4j(home)
    old = os.umask(0o022)  # what a user's shell has; kglink must not rely on the caller's
    work.mkdir()
    out.mkdir(mode=0o700)
    os.chmod(home, 0o755)  # as an older kglink left it: kglink closes it again
    spec = generate(work / "sources", persons=120, organizations=30, seed=5, formats="fast")
    steps = [
        ("neo4j", "start"),
        ("run", str(spec), "--quiet", "--bulk-import", "never"),
        ("judge", "same", "PSB:P000001", "PSB:P000002"),
        ("export", "--cypher", "MATCH (n)-[r]->(m) RETURN n, r, m LIMIT 50", "--format",
         "graphml", "-o", str(out / "export.graphml")),
        ("export", "--cypher", "MATCH (n)-[r]->(m) RETURN n, r, m LIMIT 50", "--format", "csv",
         "-o", str(out / "export-csv")),
        ("ontology", "export", "-o", str(out / "ontology.ttl")),
        ("ingest", str(spec), "--out", str(out / "ingest"), "--quiet"),
        ("link", str(spec), "--out", str(out / "link"), "--no-progress"),
    ]
    try:
        for args in steps:
            done = server.kglink(*args, cwd=work)
            assert done.returncode == 0, f"kglink {' '.join(args)}: {done.stderr[-2000:]}"
        yield {"home": home, "out": out}
    finally:
        server.stop()
        os.umask(old)


HOME_PARTS = ["", "neo4j", "neo4j/data/databases/neo4j", "neo4j/data/transactions/neo4j",
              "neo4j/data/databases/system", "neo4j/logs", "neo4j/conf", "neo4j/password",
              "neo4j/run", "neo4j/import", "loads", "loads/load.lock", "judgments.jsonl"]
OUTPUTS = ["export.graphml", "export-csv", "export-csv/nodes.csv", "ontology.ttl", "ingest",
           "link"]


@pytest.mark.parametrize("part", HOME_PARTS)
def test_home_part_is_private(written, part):
    path = written["home"] / part
    assert path.exists(), f"{path} was not written"
    assert widened(path) == []


@pytest.mark.parametrize("part", OUTPUTS)
def test_output_is_private(written, part):
    path = written["out"] / part
    assert path.exists(), f"{path} was not written"
    assert widened(path) == []


def test_every_file_under_home_and_outputs_is_private(written):
    files = [p for p in written["home"].rglob("*") if p.is_file()]
    assert len(files) > 100  # the store, logs, jars: the walk saw the real tree
    assert widened(written["home"]) == [] and widened(written["out"]) == []


def test_home_reopened_wider_is_closed_again(written):
    assert stat.S_IMODE(written["home"].stat().st_mode) == 0o700


def test_neo4j_store_files_are_0600(written):
    store = written["home"] / "neo4j" / "data" / "databases" / "neo4j"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in store.rglob("*") if p.is_file()}
    assert modes == {0o600}


@pytest.fixture
def restore_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("mode", [0o755, 0o777, 0o750, 0o711])
def test_an_existing_wider_home_is_closed(tmp_path, monkeypatch, restore_umask, mode):
    from linking.kglink_home import keep_private

    home = tmp_path / "home"
    home.mkdir()
    home.chmod(mode)
    monkeypatch.setenv("KGLINK_HOME", str(home))
    keep_private()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_a_shared_sticky_home_is_left_alone(tmp_path, monkeypatch, restore_umask):
    from linking.kglink_home import keep_private

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("KGLINK_HOME", str(shared))
    keep_private()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def test_a_missing_home_is_not_created_but_what_follows_is_private(tmp_path, monkeypatch,
                                                                   restore_umask):
    from linking.kglink_home import keep_private

    monkeypatch.setenv("KGLINK_HOME", str(tmp_path / "later"))
    keep_private()
    assert not (tmp_path / "later").exists()
    (tmp_path / "later" / "sub").mkdir(parents=True)
    (tmp_path / "later" / "sub" / "f.txt").write_text("x")
    assert widened(tmp_path / "later") == []
    assert stat.S_IMODE((tmp_path / "later" / "sub" / "f.txt").stat().st_mode) == 0o600
