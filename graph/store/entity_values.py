"""Entity property values chosen from the records of each resolved entity.

An entity's *best* value for a field is its most frequent valid value; ties go to the
value seen in the highest-priority department, then to the smaller value (so the choice
is deterministic). *All* values seen are kept as sorted list properties (names, phones,
addresses, identifiers). Everything is grouped on integer codes, not per row in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graph.store.fields import BEST_FIELDS, LIST_FIELDS, VALIDITY_FLAG, best_value_flags


def department_ranks(departments: pd.Series, priority: list[str] | None = None) -> pd.Series:
    """Rank (0 = most trusted) of each row's department: ``priority`` order first, then the
    order in which departments first appear in the input (the SOURCES.yaml order)."""
    order = list(dict.fromkeys(list(priority or []) + list(pd.unique(departments.dropna()))))
    ranks = {d: i for i, d in enumerate(order)}
    return departments.map(ranks).fillna(len(order)).astype(np.int32)


def _clean(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The values as an object array and a mask of the usable (non-null, non-empty) ones.
    Values arrive standardised by the loaders, so they are compared as they are."""
    array = values.to_numpy(dtype=object)
    usable = pd.notna(array)
    usable[usable] = array[usable] != ""
    return array, usable


def entity_values(records: pd.DataFrame, kind: str, ranks: pd.Series) -> pd.DataFrame:
    """One row per entity_id: best values (columns as in BEST_FIELDS), the validity flag of
    each best value that has one (``best_value_flags``: true when any record of the chosen
    value says it is valid) and all-values lists (columns as in LIST_FIELDS). ``records``
    holds entity_id plus standardised fields; ``ranks`` is the department rank of each
    record row."""
    entity_codes, entity_ids = pd.factorize(records["entity_id"], sort=True)
    out = pd.DataFrame(index=pd.Index(entity_ids, name="entity_id"))
    wanted = list(dict.fromkeys(BEST_FIELDS[kind] + tuple(LIST_FIELDS[kind])))
    for field in wanted:
        if field not in records.columns:
            continue
        values, usable = _clean(records[field])
        if not usable.any():
            continue
        flag = VALIDITY_FLAG.get(field)
        valid = (records[flag].astype("boolean").fillna(False).to_numpy(dtype=bool)
                 if flag in records.columns
                 else np.ones(len(records), dtype=bool))
        value_codes, uniques = pd.factorize(values[usable], sort=True)
        stats = (pd.DataFrame({"e": entity_codes[usable], "v": value_codes,
                               "rank": ranks.to_numpy()[usable],
                               "valid": valid[usable]})
                 .groupby(["e", "v"], sort=False)
                 .agg(n=("rank", "size"), rank=("rank", "min"), valid=("valid", "max"))
                 .reset_index())
        e, v = stats["e"].to_numpy(), stats["v"].to_numpy()
        if field in BEST_FIELDS[kind]:
            # per entity: valid first, most frequent, best-ranked department, smaller value
            order = np.lexsort((v, stats["rank"].to_numpy(), -stats["n"].to_numpy(),
                                ~stats["valid"].to_numpy(dtype=bool), e))
            first = order[np.r_[True, e[order][1:] != e[order][:-1]]]
            column = pd.Series(pd.NA, index=range(len(entity_ids)), dtype=object)
            column.iloc[e[first]] = np.asarray(uniques)[v[first]]
            if pd.api.types.is_numeric_dtype(records[field]):
                column = pd.to_numeric(column)
            out[field] = column.to_numpy()
            if flag in records.columns and field in best_value_flags(kind):
                chosen = pd.Series(pd.NA, index=range(len(entity_ids)), dtype="boolean")
                chosen.iloc[e[first]] = stats["valid"].to_numpy(dtype=bool)[first]
                out[flag] = chosen.to_numpy()
        if field in LIST_FIELDS[kind]:
            order = np.lexsort((v, e))
            strings = np.asarray(uniques, dtype=object)[v[order]].tolist()
            owners = e[order]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            ends = np.r_[starts[1:], len(owners)]
            lists = np.full(len(entity_ids), None, dtype=object)
            for position, a, b in zip(owners[starts].tolist(), starts.tolist(), ends.tolist(),
                                      strict=True):
                lists[position] = strings[a:b]
            out[LIST_FIELDS[kind][field]] = lists
    return out.reset_index()
