"""`kglink query list|run` and `kglink cypher` through the real CLI against the known graph."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300)


def node_count(graph) -> int:
    driver, database = graph
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    return records[0]["c"]


def test_query_list_names_every_contract_query():
    out = kglink("query", "list", "--format", "json")
    assert out.returncode == 0, out.stderr
    listed = {q["name"]: q for q in json.loads(out.stdout)}
    for name in ("entity-profile", "ego-network", "shortest-path", "ownership-chain",
                 "beneficial-owners", "circular-ownership", "shared-contacts",
                 "multi-role-persons", "cross-department"):
        assert name in listed
    assert "hops: int = 2" in listed["ego-network"]["parameters"]
    zh = kglink("query", "list", "--lang", "zh")
    assert "受益所有人" in zh.stdout


def test_query_run_with_params_and_formats(known_graph):
    out = kglink("query", "run", "beneficial-owners", "-p", "entity_id=C-0003",
                 "-p", "threshold=0.2", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["entity_id"], float(r["effective_ownership"])) for r in rows] == [
        ("P-0002", 0.56), ("P-0001", 0.24), ("P-0003", 0.2)]
    table = kglink("query", "run", "ego-network", "-p", "entity_id=P-0005", "-p", "hops=1")
    assert table.returncode == 0 and "(3 rows)" in table.stdout and "孙七" in table.stdout


def test_query_run_bad_parameter_is_one_line(known_graph):
    out = kglink("query", "run", "ego-network", "-p", "entity_id=P-0005", "-p", "hops=99")
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "outside 1..6" in out.stderr
    out = kglink("query", "run", "nope")
    assert out.returncode == 1 and "no library query 'nope'" in out.stderr


def test_cypher_params_format_and_limit(known_graph):
    out = kglink("cypher", "MATCH (e:NaturalPerson) WHERE e.entity_id >= $start "
                 "RETURN e.entity_id AS id ORDER BY id", "-p", "start=P-0002",
                 "--format", "json", "--limit", "2")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"id": "P-0002"}, {"id": "P-0003"}]
    assert "--limit 2" in out.stderr


def test_cypher_timeout_is_reported(known_graph):
    out = kglink("cypher", "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 99 "
                 "RETURN count(x)", "--timeout", "0.5")
    assert out.returncode == 1
    assert out.stderr.startswith("kglink: error:") and out.stderr.strip().count("\n") == 0


@pytest.mark.parametrize("statement", [
    "CREATE (:NaturalPerson {entity_id: 'INTRUDER'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (e:LegalPerson) SET e.name = 'x' RETURN count(e)",
])
def test_write_attempt_is_refused_and_changes_nothing(known_graph, statement):
    before = node_count(known_graph)
    out = kglink("cypher", statement)
    assert out.returncode == 1
    assert "read-only" in out.stderr and out.stderr.strip().count("\n") == 0
    assert node_count(known_graph) == before
    driver, database = known_graph
    names, _, _ = driver.execute_query("MATCH (e:LegalPerson {entity_id: 'C-0001'}) "
                                       "RETURN e.name AS n", database_=database)
    assert names[0]["n"] == "杭州甲科技有限公司"
