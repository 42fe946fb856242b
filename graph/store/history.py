"""Merge and split history between the entity assignment in the graph and a new one.

Compared per source record seen in both: a new entity whose records came from two or more
old entities (or from one old entity under another id) is a *merge*; an old entity whose
records now belong to two or more new entities is a *split*. Event ids are derived from
their content and batch, so writing them again is a no-op.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from graph.store.record_rows import record_keys


def _event_id(kind: str, entity_id: str, others: list[str], batch: str) -> str:
    text = "|".join([kind, entity_id, ",".join(others), batch])
    return kind[0].upper() + hashlib.sha1(text.encode()).hexdigest()[:16]


def _cross_links(links: pd.DataFrame | None, old_of: pd.Series, new_of: pd.Series) -> pd.DataFrame:
    """Links inside one new entity joining records of different old entities."""
    if links is None or links.empty:
        return pd.DataFrame(columns=["entity_id", "score", "evidence"])
    left = record_keys(links["department_l"], links["record_id_l"])
    right = record_keys(links["department_r"], links["record_id_r"])
    new_l, new_r = left.map(new_of), right.map(new_of)
    old_l, old_r = left.map(old_of), right.map(old_of)
    keep = ((new_l == new_r) & (old_l != old_r)).fillna(False).astype(bool).to_numpy()
    return pd.DataFrame({"entity_id": new_l[keep].to_numpy(),
                         "score": pd.to_numeric(links["score"], errors="coerce")[keep].to_numpy(),
                         "evidence": links["evidence"].astype(str)[keep].to_numpy()})


def history_events(previous: pd.DataFrame, current: pd.DataFrame, links: pd.DataFrame | None,
                   batch: str, at: str) -> pd.DataFrame:
    """Events as rows: label ("merge"|"split"), event_id, entity_id, merged_from,
    split_into, entity_type, reason, batch, at.

    ``previous`` and ``current``: record_key, entity_id, entity_type."""
    columns = ["label", "event_id", "entity_id", "entity_type", "merged_from", "split_into",
               "reason", "batch", "at"]
    if previous is None or previous.empty:
        return pd.DataFrame(columns=columns)
    both = previous[["record_key", "entity_id"]].merge(
        current[["record_key", "entity_id", "entity_type"]], on="record_key",
        suffixes=("_old", "_new"))
    pairs = both.drop_duplicates(["entity_id_old", "entity_id_new"])
    changed = pairs["entity_id_old"] != pairs["entity_id_new"]
    pairs = pairs[pairs["entity_id_new"].isin(pairs.loc[changed, "entity_id_new"])
                  | pairs["entity_id_old"].isin(pairs.loc[changed, "entity_id_old"])]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    events = []
    old_of = previous.set_index("record_key")["entity_id"]
    new_of = current.set_index("record_key")["entity_id"]
    cross = _cross_links(links, old_of, new_of)
    best = (cross.sort_values(["entity_id", "score"], ascending=[True, False])
            .drop_duplicates("entity_id").set_index("entity_id"))
    n_cross = cross.groupby("entity_id").size()
    # merges: new entity fed by >1 old entity, or by one old entity under another id
    sources = pairs.groupby("entity_id_new")["entity_id_old"].agg(lambda s: sorted(set(s)))
    old_targets = pairs.groupby("entity_id_old")["entity_id_new"].nunique()
    type_of = both.drop_duplicates("entity_id_new").set_index("entity_id_new")["entity_type"]
    for new_id, olds in sources.items():
        renamed = len(olds) == 1 and olds[0] != new_id and old_targets[olds[0]] == 1
        if len(olds) < 2 and not renamed:
            continue
        merged_from = [o for o in olds if o != new_id]
        if new_id in best.index:
            reason = {"why": "linked", "links": int(n_cross[new_id]),
                      "best_score": float(best.at[new_id, "score"]),
                      "evidence": _json(best.at[new_id, "evidence"])}
        else:
            reason = {"why": "renamed" if renamed else "relinked without a direct link"}
        events.append({"label": "merge",
                       "event_id": _event_id("merge", new_id, merged_from, batch),
                       "entity_id": new_id, "entity_type": type_of[new_id],
                       "merged_from": merged_from, "split_into": None,
                       "reason": json.dumps(reason, ensure_ascii=False, separators=(",", ":")),
                       "batch": batch, "at": at})
    targets = pairs.groupby("entity_id_old")["entity_id_new"].agg(lambda s: sorted(set(s)))
    moved = both[both["entity_id_old"] != both["entity_id_new"]].groupby("entity_id_old").size()
    for old_id, news in targets.items():
        if len(news) < 2:
            continue
        reason = {"why": "records now resolve to different entities",
                  "records_moved": int(moved.get(old_id, 0))}
        events.append({"label": "split",
                       "event_id": _event_id("split", old_id, news, batch),
                       "entity_id": old_id,
                       "entity_type": both.loc[both["entity_id_old"] == old_id,
                                               "entity_type"].iloc[0],
                       "merged_from": None, "split_into": news,
                       "reason": json.dumps(reason, ensure_ascii=False, separators=(",", ":")),
                       "batch": batch, "at": at})
    return pd.DataFrame(events, columns=columns)


def _json(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def retired_entities(previous: pd.DataFrame, current: pd.DataFrame) -> np.ndarray:
    """Old entity ids no record of the new assignment uses (candidates for removal)."""
    if previous is None or previous.empty:
        return np.array([], dtype=object)
    return np.setdiff1d(previous["entity_id"].unique(), current["entity_id"].unique())
