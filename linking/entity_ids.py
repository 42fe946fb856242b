"""Stable entity ids: deterministic, and kept across runs unless an entity truly changed.

A fresh id is "P"/"O" + the first 16 hex digits of SHA-1 over the entity type and the
smallest member key (department, record_id), so the same input always gives the same ids.
With the previous run's clusters, each previous id goes to the new cluster holding most of
its records (majority overlap), and a new cluster takes the previous id it overlaps most; a
record therefore keeps its id unless its entity merged into a bigger one or split off.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

PREFIX = {"person": "P", "organization": "O"}


def fresh_id(entity_type: str, key: str, salt: int = 0) -> str:
    """The deterministic id of a cluster whose smallest member key is ``key``."""
    text = f"{entity_type}|{key}" + (f"|{salt}" if salt else "")
    return PREFIX[entity_type] + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16].upper()


def assign_ids(keys: pd.Series, labels: np.ndarray, entity_type: str,
               previous: pd.Series | None = None) -> np.ndarray:
    """Entity id per record. ``keys`` are "DEPT:RECORD_ID" strings; ``labels`` cluster labels;
    ``previous`` the previous entity id per record (NaN for records new in this run)."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "label": labels})
    rank, ordered = pd.factorize(frame["key"], sort=True)  # integer rank in key order
    smallest = pd.Series(rank).groupby(labels).min().map(pd.Series(ordered))
    label_id: dict[int, str] = {}
    taken: set[str] = set()
    if previous is not None and previous.notna().any():
        frame["prev"] = previous.to_numpy()
        overlap = (frame.dropna(subset=["prev"]).groupby(["prev", "label"]).size()
                   .rename("n").reset_index())
        overlap["smallest"] = overlap["label"].map(smallest)
        # Each previous id goes to the new cluster holding most of its records.
        best_cluster = (overlap.sort_values(["prev", "n", "smallest"],
                                            ascending=[True, False, True])
                        .drop_duplicates("prev"))
        # Each new cluster keeps the previous id it overlaps most.
        best_prev = (best_cluster.sort_values(["label", "n", "prev"],
                                              ascending=[True, False, True])
                     .drop_duplicates("label"))
        label_id = dict(zip(best_prev["label"].tolist(), best_prev["prev"].tolist(), strict=True))
        taken = set(overlap["prev"].tolist())
    out_ids: dict[int, str] = {}
    for label, key in smallest.items():
        if label in label_id:
            out_ids[label] = label_id[label]
            continue
        salt = 0
        candidate = fresh_id(entity_type, key)
        while candidate in taken:
            salt += 1
            candidate = fresh_id(entity_type, key, salt)
        out_ids[label] = candidate
        taken.add(candidate)
    return frame["label"].map(out_ids).to_numpy(dtype=object)
