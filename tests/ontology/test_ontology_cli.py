"""`kglink ontology show|load|check|validate|export|import` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from onto_sample_graph import write_sample_graph


def kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", "ontology", *args],
                          capture_output=True, text=True, timeout=300)


def test_show_prints_class_tree_and_properties():
    done = kglink("show")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "  Party 主体" in out
    assert "    LegalPerson [LegalPerson] 法人" in out
    assert "      Enterprise [Enterprise] 企业" in out
    assert "SHAREHOLDER_OF" in out and "share_ratio" in out
    assert kglink().stdout == out  # show is the default
    data = json.loads(kglink("show", "--format", "json").stdout)
    assert {c["name"] for c in data["classes"]} >= {"NaturalPerson", "foaf:Person"}


def test_validate_reports_violations_and_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/kglink/ontology#> .\n"
                   "<https://w3id.org/kglink/id/entity/P-1> a kg:NaturalPerson ;\n"
                   "    kg:entityId \"P-1\" ; kg:idNumber \"123\" ; kg:nick \"x\" .\n",
                   encoding="utf-8")
    done = kglink("validate", str(bad))
    assert done.returncode == 1
    assert "property kg:nick" in done.stdout
    assert "kg:idNumber: the ID number must be 18 characters" in done.stdout
    assert "needs exactly one uri" in done.stdout
    assert done.stderr.strip() == f"kglink: {bad}: 3 problem(s)"
    missing = kglink("validate", str(tmp_path / "none.ttl"))
    assert missing.returncode == 1 and "none.ttl: no such file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_export_import_load_and_check(graph_db, tmp_path):
    driver, database = graph_db
    write_sample_graph(driver, database)
    out = tmp_path / "graph.nt"
    done = kglink("export", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "18 nodes, 23 relationships) as ntriples" in done.stdout
    assert kglink("load").returncode == 0
    check = kglink("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SHACL shapes: ok" in check.stdout and "graph names: ok" in check.stdout
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    done = kglink("import", str(out))
    assert done.returncode == 0, done.stderr
    assert "imported 18 nodes and 23 relationships" in done.stdout
    driver.execute_query("MATCH (p:NaturalPerson {entity_id: 'P-0002'}) SET p.sex = 'X'",
                         database_=database)
    check = kglink("check")
    assert check.returncode == 1
    assert "entity:P-0002 kg:sex: sex must be M or F (value 'X')" in check.stdout
    bad = kglink("import", str(tmp_path / "missing.ttl"))
    assert bad.returncode == 1 and bad.stderr.startswith("kglink: error: ")
