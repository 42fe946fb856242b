"""The in-memory candidate source of a resolver: the linked records, prepared, with their
entity ids, and per blocking pass of the model the rows of each key.

Each pass keeps its key values (keys joined; missing when any is) sorted, with their rows:
an exact pass's block is the run of a query's value, and a sorted-neighbourhood pass meets
the ``window - 1`` records on either side of where the query would sort, the records it
would meet in a batch. Key values come from ``linking.index.key_values``, the batch
index's own code. ``add`` keeps the index current (a record added again replaces its
earlier version); the arrays are rebuilt on the next lookup after an add, so add many
records in one call.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from linking.compare import CodedTable, hashed
from linking.index import key_values
from linking.model import LinkModel, ModelSet
from linking.prepare import prepare
from linking.resolver import CARRIED, CandidatePairs, scored_columns
from linking.settings import BlockingPass

SEPARATOR = "\x1f"


def _record_keys(prepared: pd.DataFrame) -> pd.Index:
    return pd.Index(prepared["department"] + ":" + prepared["record_id"])


def _joined(prepared: pd.DataFrame, keys: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The values of the keys joined by SEPARATOR (a missing value as ""), and where any was
    missing; numpy object arrays, whose fixed cost is small beside pandas' on a few rows."""
    parts = [key_values(prepared, key).to_numpy(dtype=object) for key in keys]
    gaps = [pd.isna(part) for part in parts]
    joined = np.where(gaps[0], "", parts[0]).astype(object)
    for part, gap in zip(parts[1:], gaps[1:], strict=True):
        joined = joined + SEPARATOR + np.where(gap, "", part).astype(object)
    return joined, np.logical_or.reduce(gaps)


def exact_key(prepared: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """One exact pass's key per record (None where any of its keys is missing)."""
    joined, missing = _joined(prepared, keys)
    joined[missing] = None
    return joined


def sorted_key(prepared: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """A sorted pass's sort value per record, as the batch builds it (None where empty)."""
    joined, _ = _joined(prepared, keys)
    empty = np.frompyfunc(len, 1, 1)(joined).astype(np.int64) <= len(keys) - 1
    joined[empty] = None
    return joined


def pass_key(prepared: pd.DataFrame, bp: BlockingPass) -> np.ndarray:
    """The key of one blocking pass per record."""
    return sorted_key(prepared, bp.keys) if bp.method == "sorted" else exact_key(prepared, bp.keys)


def _expand(queries: np.ndarray, starts: np.ndarray, sizes: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """(query, position) for positions starts[i] .. starts[i] + sizes[i] - 1 of query i."""
    total = int(sizes.sum())
    offset = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(queries, sizes), np.repeat(starts, sizes) + offset


def _present(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows that have a key value, and their values."""
    rows = np.flatnonzero(~pd.isna(values))
    return rows, values[rows]


@dataclass
class SortedKeys:
    """One pass's key values over the records, sorted, with their rows: an exact pass's
    block is a run of equal values, a sorted pass's neighbourhood a window around a value.

    The values are kept as Python strings (sorted as numpy sorts text: by code point): a
    fixed-width numpy text array would be copied whole, on every lookup, to the width of a
    longer query key (70 ms a lookup on a million records). An exact pass also keeps its
    distinct values in a hash index with where each block starts: a binary search compares
    Python strings twenty times a key."""

    values: np.ndarray
    rows: np.ndarray
    distinct: pd.Index | None = None  # exact passes: each value once, in sorted order
    starts: np.ndarray | None = None  # where each distinct value's block starts, then the end

    @classmethod
    def of(cls, values: np.ndarray, exact: bool = True) -> SortedKeys:
        present, keys = _present(values)
        order = np.argsort(keys.astype(str), kind="stable")
        keys, rows = keys[order], present[order]
        if not exact:
            return cls(keys, rows)
        first = (np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size
                 else np.empty(0, dtype=np.int64))
        return cls(keys, rows, hashed(keys[first]), np.r_[first, keys.size])

    def same(self, values: np.ndarray, max_block: int) -> tuple[np.ndarray, np.ndarray]:
        """(query row, record row) for every record sharing a query's key, skipping blocks
        the query would make bigger than the batch's ``max_block_size``."""
        query, keys = _present(values)
        at = self.distinct.get_indexer(keys)
        lo, hi = self.starts[at], self.starts[at + 1]
        fits = (at >= 0) & (hi - lo + 1 <= max_block)
        query, pos = _expand(query[fits], lo[fits], (hi - lo)[fits])
        return query, self.rows[pos]

    def near(self, values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
        """(query row, record row) for the window - 1 records on each side of each query."""
        query, keys = _present(values)
        at = np.searchsorted(self.values, keys)
        reach = max(window, 2) - 1
        lo = np.clip(at - reach, 0, self.values.size)
        hi = np.clip(at + reach, 0, self.values.size)
        query, pos = _expand(query, lo, hi - lo)
        return query, self.rows[pos]


@dataclass
class _State:
    """One consistent view of an entity type's records: prepared rows, their record keys,
    the blocks of every pass over them and the columns scoring reads, coded once (a batch
    of queries is coded against these vocabularies, not coded again with its candidates)."""

    prepared: pd.DataFrame
    keys: pd.Index
    blocks: list[SortedKeys]
    scored: CodedTable
    entity_rank: np.ndarray  # per record, where its entity id sorts among all of them


@dataclass
class _TypeIndex:
    """The records of one entity type and their blocks (built on the first lookup after an
    add). A lock makes an add and a lookup from two threads see one consistent state."""

    model: LinkModel  # its blocking passes, and what scoring reads of a candidate
    prepared: pd.DataFrame = field(default_factory=pd.DataFrame)
    _state: _State | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def passes(self) -> tuple[BlockingPass, ...]:
        return self.model.settings.blocking

    def add(self, prepared: pd.DataFrame) -> None:
        with self._lock:
            if len(self.prepared):
                again = _record_keys(self.prepared).isin(_record_keys(prepared))
                prepared = pd.concat([self.prepared[~again], prepared], ignore_index=True)
            self.prepared = prepared.reset_index(drop=True)
            self._state = None

    def state(self) -> _State:
        with self._lock:
            if self._state is None:
                blocks = [SortedKeys.of(pass_key(self.prepared, p), p.method != "sorted")
                          for p in self.passes] if len(self.prepared) else []
                keys = _record_keys(self.prepared) if len(self.prepared) else pd.Index([])
                scored = CodedTable.of(self.prepared,
                                       scored_columns(self.model, self.prepared.columns))
                self._state = _State(self.prepared, keys, blocks, scored,
                                     _sort_ranks(self.prepared.get("entity_id")))
            return self._state

    def candidates(self, queries: pd.DataFrame) -> CandidatePairs:
        state = self.state()
        if not len(state.prepared):
            empty = np.empty(0, np.int64)
            none = queries.iloc[:0]
            return CandidatePairs(empty, empty, pd.DataFrame({c: [] for c in CARRIED}),
                                  CodedTable.of(none, scored_columns(self.model, none.columns)),
                                  empty)
        found = [block.near(pass_key(queries, p), p.window) if p.method == "sorted"
                 else block.same(pass_key(queries, p), self.model.settings.max_block_size)
                 for p, block in zip(self.passes, state.blocks, strict=True)]
        n = len(state.prepared)
        codes = np.unique(np.concatenate([q.astype(np.int64) * n + r for q, r in found]))
        query, row = codes // n, codes % n
        named = _record_keys(queries).to_numpy()  # a query may be a stored record itself
        if (named != ":").any():
            itself = state.keys.to_numpy()[row] == named[query]
            query, row = query[~itself], row[~itself]
        distinct, position = np.unique(row, return_inverse=True)
        return CandidatePairs(query, position, pd.DataFrame(
            {c: state.prepared[c].to_numpy()[distinct] for c in CARRIED}),
            state.scored.take(distinct), state.entity_rank[distinct])


def _sort_ranks(values: pd.Series | None) -> np.ndarray:
    """Per value, its rank among the distinct values sorted as text (equal values, equal
    rank), so that ranking many candidates never sorts their entity ids again."""
    if values is None or not len(values):
        return np.empty(0, dtype=np.int64)
    codes, names = pd.factorize(values.to_numpy(dtype=object))
    rank = np.empty(names.size, dtype=np.int64)
    rank[np.argsort(np.asarray(names).astype(str), kind="stable")] = np.arange(names.size)
    return rank[codes]


class RecordIndex:
    """An in-memory :class:`linking.resolver.CandidateSource` over linked records."""

    def __init__(self, models: ModelSet) -> None:
        self._types = {kind: _TypeIndex(m)
                       for kind, m in models.models.items()}

    def add(self, entity_type: str, records: pd.DataFrame, entity_ids) -> None:
        """Index standardised records (an ingested frame: department, record_id and the
        standardised fields) under their entity ids."""
        prepared = prepare(records.reset_index(drop=True), entity_type)
        prepared["entity_id"] = np.asarray(entity_ids, dtype=object)
        self._type(entity_type).add(prepared)

    def count(self, entity_type: str) -> int:
        return len(self._type(entity_type).state().prepared)

    def build(self) -> None:
        """Build every type's blocks now (otherwise the first lookup after an add does)."""
        for kind in self._types.values():
            kind.state()

    def prepared(self, entity_type: str) -> pd.DataFrame:
        """Every indexed record of a type, prepared, with its ``entity_id``."""
        return self._type(entity_type).state().prepared

    def candidates(self, entity_type: str, queries: pd.DataFrame) -> CandidatePairs:
        return self._type(entity_type).candidates(queries)

    def records(self, entity_type: str, keys: list[str]) -> pd.DataFrame:
        state = self._type(entity_type).state()
        at = state.keys.get_indexer(keys) if len(state.prepared) else np.full(len(keys), -1)
        return state.prepared.iloc[at[at >= 0]].reset_index(drop=True)

    def _type(self, entity_type: str) -> _TypeIndex:
        if entity_type not in self._types:
            raise ValueError(f"entity must be one of {', '.join(sorted(self._types))}, "
                             f"not {entity_type!r}")
        return self._types[entity_type]


def freeze_long_lived() -> None:
    """Collect, then move every object still alive out of the cyclic collector's view
    (``gc.freeze``); call it once an index is built, blocks included (``build``).

    A built index holds millions of values in object arrays, which every full collection
    would walk - a hundred milliseconds at a million records, stalling whichever call
    triggered it - though they live as long as the index. Frozen objects are still freed
    when nothing refers to them; ``gc.unfreeze()`` first when replacing an index whose parts
    might form cycles. Blocks rebuilt after an ``add`` are not frozen until this runs again."""
    gc.collect()
    gc.freeze()
