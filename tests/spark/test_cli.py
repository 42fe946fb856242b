"""``kglink link --engine spark`` through the real CLI: the local engine's files, the same
clusters and links, plus Parquet directories; ``kglink run --engine spark`` loads the graph
the local engine loads; bad engine options fail in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graph"))


def kglink(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kglink", *map(str, args)],
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def small_spec(tmp_path_factory):
    from loaders.synthetic.generate import generate

    work = tmp_path_factory.mktemp("cli")
    return work, generate(work / "data", persons=300, organizations=60, seed=7)


def test_ingest_engine_spark_writes_the_local_files(small_spec):
    work, spec = small_spec
    for engine in ("local", "spark"):
        ran = kglink("ingest", spec, "--out", work / f"ingest-{engine}", "--quiet",
                     "--engine", engine)
        assert ran.returncode == 0, ran.stderr[-2000:]
    local, spark = work / "ingest-local", work / "ingest-spark"
    for name in ("quarantine.csv", "report.json"):
        assert (spark / name).read_bytes() == (local / name).read_bytes(), name
    for name in ("persons", "organizations", "relations"):
        pd.testing.assert_frame_equal(pd.read_parquet(spark / f"{name}.parquet"),
                                      pd.read_parquet(local / f"{name}.parquet"))


def test_link_engine_spark_writes_local_files_and_parquet(small_spec):
    work, spec = small_spec
    env = {"KGLINK_JUDGMENTS": str(work / "judgments.jsonl")}
    local = kglink("link", spec, "--out", work / "local", "--no-progress", env=env)
    assert local.returncode == 0, local.stderr[-2000:]
    ran = kglink("link", spec, "--out", work / "spark", "--engine", "spark", "--master",
                 "local[2]", "--no-progress", env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Traceback" not in ran.stderr
    out = work / "spark"
    for name in ("clusters.csv", "links.csv", "quality.json", "link_stats.json", "model.json"):
        assert (out / name).is_file(), name
    for name in ("clusters.csv", "links.csv"):
        assert (out / name).read_bytes() == (work / "local" / name).read_bytes(), name
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    assert not clusters.duplicated(["department", "record_id"]).any()
    for name in ("clusters", "links", "person_pairs", "organization_pairs"):
        assert (out / "spark" / f"{name}.parquet").is_dir(), name
    parquet = pd.read_parquet(out / "spark" / "clusters.parquet")
    assert len(parquet) == len(clusters)
    assert set(parquet["entity_id"]) == set(clusters["entity_id"])
    pairs = pd.read_parquet(out / "spark" / "person_pairs.parquet")
    stats = json.loads((out / "link_stats.json").read_text(encoding="utf-8"))
    assert len(pairs) == stats["person"]["pairs_compared"] + \
        stats["person"]["pairs_ruled_out_different_valid_ids"]
    assert stats["person"]["engine"] == "spark"


def test_run_engine_spark_loads_the_graph_the_local_engine_loads(small_spec, graph_db):
    """``kglink run --engine spark`` links on Spark and writes from Spark; the graph is the
    one ``kglink run`` writes (but for the LoadBatch node, which keeps the model with
    where it was fitted)."""
    from graphstore_snapshot import snapshot

    from graph.admin import reset_database
    from ontology.schema import labels

    driver, database = graph_db
    work, spec = small_spec
    env = {"KGLINK_JUDGMENTS": str(work / "judgments.jsonl")}

    def graph():
        nodes, relationships = snapshot(driver, database, drop_times=True)
        return {k: v for k, v in nodes.items()
                if not k.startswith(f"{labels.LoadBatch}:")}, relationships

    ran = kglink("run", spec, "--engine", "spark", "--bulk-import", "never", env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "written from Spark (the connector counts nothing, so not above): entities:person, " \
        "entities:organization, records:person, records:organization, relations:" in ran.stdout
    on_spark = graph()
    reset_database(driver, database)
    local = kglink("run", spec, "--bulk-import", "never", env=env)
    assert local.returncode == 0, local.stderr[-2000:]
    assert graph() == on_spark


def test_engine_options_fail_in_one_line(small_spec, tmp_path):
    work, spec = small_spec
    labels = tmp_path / "labels.csv"
    labels.write_text("department_l,record_id_l,department_r,record_id_r,match\n")
    ran = kglink("link", spec, "--out", tmp_path / "out", "--engine", "spark", "--labels",
                 labels)
    assert ran.returncode != 0
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and "not supported by the spark engine" in lines[0]
    wrong = kglink("link", spec, "--out", tmp_path / "out", "--engine", "flink")
    assert wrong.returncode != 0
    assert "invalid choice: 'flink'" in wrong.stderr
    assert not (tmp_path / "out" / "clusters.csv").exists()
