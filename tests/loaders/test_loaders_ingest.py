"""A generated multi-department SOURCES.yaml over all six formats, ingested end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import yaml

from loaders.fields import output_columns
from loaders.ingest import ingest
from loaders.spec import load_spec


def test_spec_covers_all_six_formats_and_a_gbk_csv(generated):
    doc = yaml.safe_load(generated.read_text(encoding="utf-8"))
    assert {s["format"] for s in doc["sources"]} == {"csv", "tsv", "xlsx", "jsonl", "parquet",
                                                     "sql"}
    gbk = next(s for s in doc["sources"] if s["department"] == "公安厅户籍")
    raw = (generated.parent / gbk["path"]).read_bytes()
    raw.decode("gbk")
    assert raw.decode("gbk", errors="ignore") and not _is_utf8(raw)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_every_row_accounted_for(generated, generated_ingest):
    report = generated_ingest.report
    for rep in report["sources"]:
        assert rep["read"] == rep["loaded"] + rep["quarantined"], rep
    truth_p = pd.read_csv(generated.parent / "truth_persons.csv")
    truth_o = pd.read_csv(generated.parent / "truth_organizations.csv")
    person_read = sum(r["read"] for r in report["sources"] if r["entity"] == "person")
    assert person_read == len(truth_p)
    assert sum(r["read"] for r in report["sources"] if r["entity"] == "organization") == \
        len(truth_o)
    person_sources = {r["source"] for r in report["sources"] if r["entity"] == "person"}
    quarantined = generated_ingest.quarantine["source"].isin(person_sources).sum()
    assert len(generated_ingest.persons) + quarantined == len(truth_p)


def test_frames_follow_the_contract(generated_ingest):
    for entity in ("person", "organization", "relation"):
        frame = generated_ingest.frame(entity)
        assert list(frame.columns) == list(output_columns(entity))
        assert len(frame) > 0
        assert not frame.duplicated(["department", "record_id"]).any()
        assert frame["record_id"].map(type).eq(str).all()
    persons = generated_ingest.persons
    ids = persons["id_number"].dropna()
    valid = persons["id_valid"].fillna(False).astype(bool)
    assert persons.loc[valid, "id_number"].str.fullmatch(r"\d{17}[\dX]").all()
    assert ids.str.len().eq(18).mean() > 0.97
    assert persons["birth_date"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(persons["sex"].dropna()) <= {"M", "F"}
    assert persons["phone"].dropna().str.fullmatch(r"\d+").all()
    assert persons["region_code"].notna().mean() > 0.99
    orgs = generated_ingest.organizations
    assert orgs["credit_code_valid"].fillna(False).mean() > 0.9
    assert orgs["name_core"].notna().all()
    rel = generated_ingest.relations
    assert set(rel["type"]) == {"legal_representative", "shareholder", "executive", "employee",
                                "spouse", "parent"}
    ratios = rel["share_ratio"].dropna()
    assert len(ratios) and ratios.between(0, 1).all()


def test_department_record_references_and_truth_align(generated, generated_ingest):
    truth = pd.read_csv(generated.parent / "truth_persons.csv", dtype=str)
    merged = generated_ingest.persons.merge(truth, on=["department", "record_id"])
    assert len(merged) == len(generated_ingest.persons)
    family = generated_ingest.relations[generated_ingest.relations["department"] == "民政厅"]
    refs = family["from_id"].str.split(":", n=1).str[1]
    assert refs.isin(set(truth.loc[truth["department"] == "民政厅", "record_id"])).all()


def test_cli_writes_contract_files(generated, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "kglink", "ingest", str(generated), "--out",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "公安厅户籍" in proc.stdout and "total: read" in proc.stdout
    for name in ("persons.parquet", "organizations.parquet", "relations.parquet",
                 "quarantine.csv", "report.json"):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["read"] == report["totals"]["loaded"] + report["totals"]["quarantined"]
    persons = pd.read_parquet(out / "persons.parquet")
    assert list(persons.columns) == list(output_columns("person"))
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert list(quarantine.columns) == ["department", "source", "line", "record_id", "reason",
                                        "raw"]


def test_only_nonempty_frames_are_written(tmp_path, generated):
    src = tmp_path / "p.csv"
    src.write_text("id,name\n1,张三\n", encoding="utf-8")
    spec = tmp_path / "S.yaml"
    spec.write_text("sources:\n  - {department: d, entity: person, format: csv, path: p.csv, "
                    "id_column: id, columns: {name: name}}\n", encoding="utf-8")
    out = tmp_path / "out"
    (out).mkdir()
    (out / "relations.parquet").write_bytes(b"stale")
    ingest(load_spec(spec), progress=False).write(out)
    assert (out / "persons.parquet").exists()
    assert not (out / "organizations.parquet").exists()
    assert not (out / "relations.parquet").exists()
    assert (out / "quarantine.csv").exists() and (out / "report.json").exists()
