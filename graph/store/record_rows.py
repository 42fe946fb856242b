"""SourceRecord rows: provenance, standardised fields, content hash and the REFERS_TO link.

The REFERS_TO score and evidence of a record are those of its best accepted link into its
own cluster; a record with no such link (a singleton, or one joined by an identifier rule
without a scored link) gets score 1.0 and evidence ``{"rule": "singleton"}``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from graph.store.fields import record_fields

SINGLETON_EVIDENCE = json.dumps({"rule": "singleton"}, separators=(",", ":"))


def record_keys(departments: pd.Series, record_ids: pd.Series) -> pd.Series:
    """``DEPT:RECORD_ID`` for each row (joined in Arrow, returned as Python strings)."""
    arrow = "string[pyarrow]"
    return (departments.astype(arrow) + ":" + record_ids.astype(arrow)).astype(object)


def _as_text_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO dates (Neo4j gets strings, as the ingest contract writes)."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame


def content_hash(frame: pd.DataFrame) -> pd.Series:
    """A hex digest per row of everything the record node stores (vectorised)."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    return pd.Series(np.char.mod("%016x", hashed), index=frame.index)


def best_links(links: pd.DataFrame, entity_of: pd.Series) -> pd.DataFrame:
    """Per record key, the highest-scoring link whose two ends share an entity:
    columns record_key, score, evidence."""
    if links is None or links.empty:
        return pd.DataFrame(columns=["record_key", "score", "evidence"])
    left = record_keys(links["department_l"], links["record_id_l"])
    right = record_keys(links["department_r"], links["record_id_r"])
    inside = (left.map(entity_of) == right.map(entity_of)).to_numpy()
    score = pd.to_numeric(links["score"], errors="coerce").to_numpy()
    evidence = links["evidence"].astype(str).to_numpy()
    both = pd.DataFrame({
        "record_key": np.concatenate([left.to_numpy()[inside], right.to_numpy()[inside]]),
        "score": np.concatenate([score[inside], score[inside]]),
        "evidence": np.concatenate([evidence[inside], evidence[inside]]),
    })
    # per record the best score, ties to the smaller evidence text: one integer lexsort
    # (sorting the key strings themselves is the slow part at a million records)
    key_codes = pd.factorize(both["record_key"])[0]
    evidence_rank = pd.factorize(both["evidence"], sort=True)[0]
    order = np.lexsort((evidence_rank, -both["score"].to_numpy(), key_codes))
    first = np.r_[True, key_codes[order][1:] != key_codes[order][:-1]] if len(order) else order
    return both.iloc[order[first]]


def record_rows(frame: pd.DataFrame, kind: str, entity_of: pd.Series,
                links: pd.DataFrame) -> pd.DataFrame:
    """One row per record of ``kind``: record_key, department, record_id, source, line,
    entity_type, entity_id, score, evidence, hash, plus the standardised fields present.

    ``entity_of`` maps record_key -> entity_id (the linking clusters). A record missing
    from the clusters is an error: every record must be accounted for.
    """
    keys = record_keys(frame["department"], frame["record_id"])
    entity = keys.map(entity_of)
    if entity.isna().any():
        missing = keys[entity.isna()]
        raise ValueError(f"{len(missing)} {kind} record(s) have no entity in the linking "
                         f"clusters, e.g. {missing.iloc[0]}")
    fields = [f for f in record_fields(kind) if f in frame.columns]
    stored = _as_text_dates(frame[fields].copy())
    provenance = pd.DataFrame({
        "record_key": keys, "department": frame["department"].astype(str),
        "record_id": frame["record_id"].astype(str),
        "source": frame["source"].astype(str) if "source" in frame.columns else None,
        "line": (pd.to_numeric(frame["line"], errors="coerce").astype("Int64")
                 if "line" in frame.columns else pd.NA),
        "entity_type": kind})
    out = pd.concat([provenance, stored], axis=1)
    out["hash"] = content_hash(out)
    out["entity_id"] = entity.to_numpy()
    best = best_links(links, entity_of)
    at = pd.Index(best["record_key"]).get_indexer(keys)
    linked = at >= 0
    score = np.ones(len(out))
    score[linked] = best["score"].to_numpy(dtype=float)[at[linked]]
    score[np.isnan(score)] = 1.0
    evidence = np.full(len(out), SINGLETON_EVIDENCE, dtype=object)
    evidence[linked] = best["evidence"].to_numpy()[at[linked]]
    out["score"], out["evidence"] = score, evidence
    return out.reset_index(drop=True)
