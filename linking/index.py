"""Index (blocking): candidate record pairs from several passes, unioned.

Each pass is either exact (records agreeing on all its keys) or a sorted neighbourhood
(records within a window after sorting by a key). Pair generation is pure numpy: no Python
loop over records or pairs. Oversized exact blocks are capped (their pairs dropped and
counted) so one common key cannot blow up memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from recordlinkage.base import BaseIndexAlgorithm

from linking.prepare import by_unique
from linking.settings import BlockingPass

_PREFIX = re.compile(r"^(?P<col>[A-Za-z_][A-Za-z0-9_]*)(\[:(?P<k>\d+)\])?$")


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct int64 values (sort + mask: faster than np.unique's hashing here)."""
    if values.size == 0:
        return values
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


@dataclass
class PassStats:
    """What one blocking pass produced."""

    name: str
    pairs: int
    capped_blocks: int
    capped_pairs: int
    keys: tuple[str, ...] = ()
    codes: np.ndarray | None = None  # the pass's pairs as sorted left * n + right

    def as_dict(self) -> dict:
        return {"name": self.name, "pairs": self.pairs, "capped_blocks": self.capped_blocks,
                "capped_pairs": self.capped_pairs}


def key_values(prepared: pd.DataFrame, key: str) -> pd.Series:
    """The values of one key spec: a column, or ``column[:k]`` for its k-character prefix."""
    match = _PREFIX.match(key)
    if not match or match["col"] not in prepared.columns:
        raise ValueError(f"blocking key {key!r}: no such column in the prepared frame; "
                         f"available: {', '.join(prepared.columns)}")
    values = prepared[match["col"]]
    if match["k"]:
        k = int(match["k"])
        prefixes = by_unique(values.to_numpy(dtype=object),
                             lambda value: value[:k] if isinstance(value, str)
                             and len(value) >= min(k, 1) else None)
        values = pd.Series(prefixes, index=values.index, dtype=object)
    return values


def key_codes(prepared: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """One int code per record for the combined keys; -1 where any key is missing."""
    codes = []
    for key in keys:
        c, _ = pd.factorize(key_values(prepared, key), use_na_sentinel=True)
        codes.append(c.astype(np.int64))
    if len(codes) == 1:
        return codes[0]
    stacked = np.column_stack(codes)
    missing = (stacked < 0).any(axis=1)
    combined = pd.DataFrame(stacked).groupby(list(range(len(codes))), sort=False).ngroup()
    out = combined.to_numpy().astype(np.int64)
    out[missing] = -1
    return out


def _within_budget(weight: np.ndarray, budget: int) -> np.ndarray:
    """Blocks kept under a pair budget: the cheapest first, so the big blocks of common
    values (where agreement says least) are the ones capped."""
    if weight.sum() <= budget:
        return np.ones(weight.size, dtype=bool)
    order = np.argsort(weight, kind="stable")
    fits = np.cumsum(weight[order]) <= budget
    keep = np.zeros(weight.size, dtype=bool)
    keep[order[fits]] = True
    return keep


def _block_pairs(codes: np.ndarray, max_block: int, open_: np.ndarray | None = None,
                 budget: int | None = None) -> tuple[np.ndarray, np.ndarray, int, int]:
    """All pairs inside equal-code blocks, skipping blocks above max_block and, when the
    pass would exceed ``budget`` pairs, its costliest blocks.

    With ``open_`` only pairs with at least one open record are made (each open record with
    every other member of its block), so a block costs open x size pairs, not size^2.
    """
    rows = np.flatnonzero(codes >= 0)
    if rows.size < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), 0, 0
    order = rows[np.argsort(codes[rows], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, sorted_codes.size])
    block_of = np.repeat(np.arange(sizes.size), sizes)
    if open_ is None:
        weight = sizes * (sizes - 1) // 2
    else:
        opened = np.bincount(block_of, weights=open_[order], minlength=sizes.size)
        weight = (opened * (sizes - 1)).astype(np.int64)
    big = sizes > max_block
    if budget is not None:
        big |= ~_within_budget(np.where(big, 0, weight), budget)
    capped_blocks = int(big.sum())
    capped_pairs = int(weight[big].sum())
    keep_block = (sizes >= 2) & ~big
    pos = np.arange(sorted_codes.size)
    block_start = starts[block_of]
    if open_ is None:  # each member with the members after it
        first_partner = pos + 1
        partners = np.where(keep_block[block_of], block_start + sizes[block_of] - pos - 1, 0)
    else:  # each open member with every other member
        first_partner = block_start
        partners = np.where(keep_block[block_of] & open_[order], sizes[block_of], 0)
    total = int(partners.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), capped_blocks, capped_pairs
    left_pos = np.repeat(pos, partners)
    offset = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    right_pos = np.repeat(first_partner, partners) + offset
    return order[left_pos], order[right_pos], capped_blocks, capped_pairs


def _sorted_pairs(prepared: pd.DataFrame, keys: tuple[str, ...], window: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted neighbourhood: each record with the next window-1 records in key order."""
    values = key_values(prepared, keys[0]).fillna("")
    for key in keys[1:]:
        values = values + "\x1f" + key_values(prepared, key).fillna("")
    present = np.flatnonzero(values.str.len().to_numpy() > len(keys) - 1)
    order = present[np.argsort(values.to_numpy()[present], kind="stable")]
    lefts, rights = [], []
    for offset in range(1, max(window, 2)):
        lefts.append(order[:-offset])
        rights.append(order[offset:])
    return np.concatenate(lefts), np.concatenate(rights)


def candidate_pairs(prepared: pd.DataFrame, passes: tuple[BlockingPass, ...],
                    link_type: str = "dedupe_and_link", max_block_size: int = 1000,
                    open_: np.ndarray | None = None, closed_keys: frozenset[str] = frozenset(),
                    pair_budget: int | None = None
                    ) -> tuple[np.ndarray, np.ndarray, list[PassStats]]:
    """Union of all passes as (left rows, right rows) with left < right, and per-pass stats.

    ``open_`` marks the records whose pairs are not already decided by a rule (no valid
    identifier): passes on other keys than ``closed_keys`` then only pair open records
    with the rest, because two records with valid identifiers are decided by them.
    ``pair_budget`` bounds the pairs of one exact pass (see ``_within_budget``).
    """
    n = len(prepared)
    dept = pd.factorize(prepared["department"])[0]
    encoded: list[np.ndarray] = []
    stats: list[PassStats] = []
    for bp in passes:
        capped_blocks = capped_pairs = 0
        restrict = open_ if not ({k.split("[")[0] for k in bp.keys} & closed_keys) else None
        if bp.method == "sorted":
            left, right = _sorted_pairs(prepared, bp.keys, bp.window)
            if restrict is not None:
                either = restrict[left] | restrict[right]
                left, right = left[either], right[either]
        else:
            left, right, capped_blocks, capped_pairs = _block_pairs(
                key_codes(prepared, bp.keys), max_block_size, restrict, pair_budget)
        keep = left != right
        if link_type == "link_only":
            keep &= dept[left] != dept[right]
        elif link_type == "dedupe_only":
            keep &= dept[left] == dept[right]
        left, right = left[keep], right[keep]
        lo, hi = np.minimum(left, right), np.maximum(left, right)
        codes = unique_sorted(lo.astype(np.int64) * n + hi)
        encoded.append(codes)
        stats.append(PassStats(bp.name, int(codes.size), capped_blocks, capped_pairs,
                               bp.keys, codes))
    if not encoded:
        return np.empty(0, np.int64), np.empty(0, np.int64), stats
    union = unique_sorted(np.concatenate(encoded))
    return union // n, union % n, stats


class MultiPassIndex(BaseIndexAlgorithm):
    """The blocking passes as a recordlinkage indexer (``recordlinkage.Index().add(...)``).

    Frames are given with the prepared columns the passes name; the result is the usual
    MultiIndex of record pairs (dedupe: both labels from one frame; link: left from A,
    right from B).
    """

    def __init__(self, passes: tuple[BlockingPass, ...], max_block_size: int = 1000,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.passes = tuple(passes)
        self.max_block_size = max_block_size

    def _dedup_index(self, df_a: pd.DataFrame) -> pd.MultiIndex:
        frame = df_a.reset_index(drop=True).assign(department="a")
        left, right, _ = candidate_pairs(frame, self.passes, "dedupe_only", self.max_block_size)
        return pd.MultiIndex.from_arrays([df_a.index[right], df_a.index[left]])

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        frame = pd.concat([df_a.assign(department="a"), df_b.assign(department="b")],
                          ignore_index=True)
        left, right, _ = candidate_pairs(frame, self.passes, "link_only", self.max_block_size)
        a_rows = np.where(left < len(df_a), left, right)
        b_rows = np.where(left < len(df_a), right, left) - len(df_a)
        return pd.MultiIndex.from_arrays([df_a.index[a_rows], df_b.index[b_rows]])


def random_pairs(departments: np.ndarray, link_type: str = "dedupe_and_link",
                 size: int = 1_000_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random distinct record pairs (seeded) allowed by the link type, for estimating u."""
    n = departments.size
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rng = np.random.default_rng(seed)
    size = int(min(size, n * (n - 1) // 2))
    dept = pd.factorize(departments)[0]
    lefts, rights, found = [], [], 0
    for _ in range(20):  # rejection sampling; a few rounds when the link type allows few
        left = rng.integers(0, n, size)
        right = rng.integers(0, n, size)
        keep = left != right
        if link_type == "link_only":
            keep &= dept[left] != dept[right]
        elif link_type == "dedupe_only":
            keep &= dept[left] == dept[right]
        lefts.append(left[keep])
        rights.append(right[keep])
        found += int(keep.sum())
        if found >= size or not keep.any():
            break
    return np.concatenate(lefts)[:size], np.concatenate(rights)[:size]
