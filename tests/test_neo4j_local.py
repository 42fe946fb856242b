"""The local Neo4j: real server, idempotent start, read-only Cypher through the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

local_only = pytest.mark.skipif(bool(os.environ.get("NEO4J_URI")),
                                reason="NEO4J_URI names an external server")


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, timeout=300)


@local_only
def test_start_is_idempotent_and_password_private(neo4j_target):
    from graph.local_server import LocalNeo4j

    server = LocalNeo4j.from_env()
    pid = server.pid()
    first = kglink("neo4j", "start")
    second = kglink("neo4j", "start")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "already running" in second.stdout
    assert server.pid() == pid
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    assert "running at bolt://127.0.0.1" in kglink("neo4j", "status").stdout


def test_cypher_prints_rows(neo4j_target):
    done = kglink("cypher", "RETURN 1 AS x")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == ["x", "-", "1"]


def test_cypher_json_with_parameters(neo4j_target):
    import json

    done = kglink("cypher", "RETURN $n + 1 AS m, $s AS s", "-p", "n=41", "-p", "s=长沙",
                  "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"m": 42, "s": "长沙"}]


def test_cypher_refuses_writes_and_leaves_database_unchanged(graph_db):
    driver, database = graph_db
    done = kglink("cypher", "CREATE (n) RETURN n")
    assert done.returncode != 0
    assert "read-only" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    count = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    assert count.records[0]["c"] == 0


def test_bad_cypher_is_one_line_error(neo4j_target):
    done = kglink("cypher", "RETURN RETURN")
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
