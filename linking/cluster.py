"""Cluster: scored pairs -> entities, without chaining.

Connected components of the accepted links are only a first cut: one doubtful link, or a
run of them, can chain many people into one "entity". So every component of three or more
records is checked on ALL its record pairs (the ones no blocking pass compared are scored
now): a component whose pairs all reach the threshold is an entity as it stands; any other
is re-clustered by average linkage on (weight - threshold), i.e. two groups merge only while
the average evidence between them, in bits, is above the threshold. The rules' weights
(linking.pairs.RULE_WEIGHT: same or different valid identifiers, human judgments) dwarf any
evidence, so those constraints hold by construction.

A component too large to score exhaustively is first cut by dropping its weakest accepted
links until its pieces fit. Only the components that need it reach the Python loop; the
checks are vectorised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linking.index import unique_sorted
from linking.pairs import RULE_SAME_ID, RULE_WEIGHT

SURE = RULE_WEIGHT[RULE_SAME_ID]  # a weight this large comes from a rule, never evidence

# (left rows, right rows) -> weight (bits above the threshold, or a rule's) per pair
PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class ClusterInfo:
    """What clustering did, for link_stats.json."""

    components: int = 0
    oversized_components_cut: int = 0
    weak_links_dropped: int = 0
    checked_components: int = 0
    pairs_scored_inside_components: int = 0
    reclustered_components: int = 0
    split_off_entities: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label per record for the given edges."""
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def _cut_oversized(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                   limit: int, info: ClusterInfo) -> np.ndarray:
    """Keep-mask over the accepted edges: the weakest links of components above ``limit``
    records are dropped (lowest weight first, a quarter of them per round) until each
    component fits or only sure links are left."""
    keep = np.ones(left.size, dtype=bool)
    for round_ in range(64):
        comp = components(n, left[keep], right[keep])
        sizes = np.bincount(comp)
        big = sizes > limit
        if not big.any():
            break
        if round_ == 0:
            info.oversized_components_cut = int(big.sum())
        inside = keep & big[comp[left]] & (weight < SURE)
        if not inside.any():
            break
        rows = np.flatnonzero(inside)
        order = rows[np.lexsort((rows, weight[rows], comp[left[rows]]))]
        group = comp[left[order]]
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        counts = np.diff(np.r_[starts, group.size])
        rank = np.arange(group.size) - np.repeat(starts, counts)
        drop = order[rank < np.maximum(np.repeat(counts, counts) // 4, 1)]
        keep[drop] = False
        info.weak_links_dropped += int(drop.size)
    return keep


def _inner_pairs(comp: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All record pairs (left < right) inside the wanted components."""
    rows = np.flatnonzero(wanted[comp])
    order = rows[np.argsort(comp[rows], kind="stable")]
    group = comp[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if order.size else order
    sizes = np.diff(np.r_[starts, group.size])
    block = np.repeat(np.arange(sizes.size), sizes)
    ends = (starts + sizes)[block]
    pos = np.arange(order.size)
    partners = ends - pos - 1
    total = int(partners.sum())
    left_pos = np.repeat(pos, partners)
    first = np.repeat(np.cumsum(partners) - partners, partners)
    right_pos = left_pos + 1 + (np.arange(total) - first)
    a, b = order[left_pos], order[right_pos]
    return np.minimum(a, b), np.maximum(a, b)


def _average_linkage(weights: np.ndarray) -> np.ndarray:
    """Group labels for a batch of same-size components, merged in lockstep.

    ``weights`` is (components, k, k), symmetric, pair weights in bits above threshold.
    Each step merges, in every component still going, the two groups with the highest
    average weight between them, while that average is above zero.
    """
    m, k, _ = weights.shape
    total = weights.astype(np.float64, copy=True)
    eye = np.eye(k, dtype=bool)
    total[:, eye] = -np.inf
    size = np.ones((m, k))
    active = np.ones((m, k), dtype=bool)
    label = np.tile(np.arange(k), (m, 1))
    going = np.ones(m, dtype=bool)
    rows = np.arange(m)
    for _ in range(k - 1):
        average = total / (size[:, :, None] * size[:, None, :])
        average[~(active[:, :, None] & active[:, None, :])] = -np.inf
        flat = average.reshape(m, -1)
        best = np.argmax(flat, axis=1)
        going &= flat[rows, best] > 0
        idx = np.flatnonzero(going)
        if idx.size == 0:
            break
        a, b = np.divmod(best[idx], k)
        total[idx, a, :] += total[idx, b, :]
        total[idx, :, a] += total[idx, :, b]
        total[idx, a, a] = -np.inf
        size[idx, a] += size[idx, b]
        active[idx, b] = False
        label[idx] = np.where(label[idx] == b[:, None], a[:, None], label[idx])
    return label


def cluster_records(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                    score_more: PairScorer, max_exhaustive: int = 300
                    ) -> tuple[np.ndarray, ClusterInfo]:
    """Entity label per record from scored candidate pairs (see the module docstring).

    ``weight``: per pair, bits above the threshold or a rule's weight (>= 0 accepts the
    pair); ``score_more`` weighs record pairs that were not candidates the same way.
    """
    info = ClusterInfo()
    accepted = np.flatnonzero(weight >= 0)
    al, ar, aw = left[accepted], right[accepted], weight[accepted]
    keep = _cut_oversized(n, al, ar, aw, max_exhaustive, info)
    comp = components(n, al[keep], ar[keep])
    info.components = int(comp.max() + 1) if n else 0
    sizes = np.bincount(comp, minlength=info.components)
    wanted = sizes >= 3
    if not wanted.any():
        return comp, info
    il, ir = _inner_pairs(comp, wanted)
    info.pairs_scored_inside_components = int(il.size)
    iw = _inner_weights(n, left, right, weight, il, ir, score_more)
    pair_comp = comp[il]
    worst = np.full(sizes.size, np.inf)
    np.minimum.at(worst, pair_comp, iw)
    dirty = np.flatnonzero(wanted & (worst < 0))
    info.checked_components = int(wanted.sum())
    info.reclustered_components = int(dirty.size)
    if dirty.size == 0:
        return comp, info
    return _recluster(comp, dirty, il, ir, iw, info), info


def _inner_weights(n: int, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                   il: np.ndarray, ir: np.ndarray, score_more: PairScorer) -> np.ndarray:
    """Weight of each inner pair: candidates are looked up, the others scored now."""
    codes = left.astype(np.int64) * n + right
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    inner = il.astype(np.int64) * n + ir
    pos = np.clip(np.searchsorted(sorted_codes, inner), 0, max(sorted_codes.size - 1, 0))
    found = sorted_codes.size > 0
    hit = (sorted_codes[pos] == inner) if found else np.zeros(inner.size, dtype=bool)
    iw = np.empty(inner.size)
    iw[hit] = weight[order[pos[hit]]]
    missing = np.flatnonzero(~hit)
    if missing.size:
        iw[missing] = score_more(il[missing], ir[missing])
    return iw


def _recluster(comp: np.ndarray, dirty: np.ndarray, il: np.ndarray, ir: np.ndarray,
               iw: np.ndarray, info: ClusterInfo) -> np.ndarray:
    """Average-linkage re-clustering of the dirty components, batched by component size;
    split-off groups get new labels after the old ones."""
    labels = comp.copy()
    next_label = int(comp.max()) + 1
    is_dirty = np.zeros(int(comp.max()) + 1, dtype=bool)
    is_dirty[dirty] = True
    members = np.flatnonzero(is_dirty[comp])
    members = members[np.lexsort((members, comp[members]))]  # by component, then row
    group_of = comp[members]
    starts = np.flatnonzero(np.r_[True, group_of[1:] != group_of[:-1]])
    sizes = np.diff(np.r_[starts, members.size])
    rank = np.empty(comp.size, dtype=np.int64)  # position of a record in its component
    rank[members] = np.arange(members.size) - np.repeat(starts, sizes)
    slot = np.full(int(comp.max()) + 1, -1, dtype=np.int64)  # component -> index in batch
    pairs = np.flatnonzero(is_dirty[comp[il]])
    pair_size = sizes[np.searchsorted(group_of[starts], comp[il[pairs]])]
    for k in np.unique(sizes):
        batch = group_of[starts[sizes == k]]
        slot[batch] = np.arange(batch.size)
        mine = pairs[pair_size == k]
        weights = np.zeros((batch.size, k, k))
        c, a, b = slot[comp[il[mine]]], rank[il[mine]], rank[ir[mine]]
        weights[c, a, b] = iw[mine]
        weights[c, b, a] = iw[mine]
        group = _average_linkage(weights)
        # relabel each component's groups 0..g-1 by first member, then offset the extras
        order = np.argsort(group, axis=1, kind="stable")
        firsts = np.zeros_like(group, dtype=bool)
        sorted_group = np.take_along_axis(group, order, axis=1)
        firsts[:, 1:] = sorted_group[:, 1:] != sorted_group[:, :-1]
        dense = np.empty_like(group)
        np.put_along_axis(dense, order, np.cumsum(firsts, axis=1), axis=1)
        extra = dense.max(axis=1)
        offsets = next_label + np.r_[0, np.cumsum(extra)[:-1]]
        rows = members[(starts[sizes == k][:, None] + np.arange(k)).ravel()]
        flat_dense = dense.ravel()
        new = np.where(flat_dense == 0, comp[rows],
                       np.repeat(offsets, k) + flat_dense - 1)
        labels[rows] = new
        next_label += int(extra.sum())
        info.split_off_entities += int(extra.sum())
    return labels


def size_distribution(labels: np.ndarray) -> dict[str, int]:
    """How many entities hold 1, 2, 3-5, 6-10, 11-50, 51+ records, and the largest."""
    sizes = np.bincount(unique_sorted(labels.astype(np.int64)).searchsorted(labels))
    edges = [(1, 1), (2, 2), (3, 5), (6, 10), (11, 50), (51, None)]
    out = {}
    for lo, hi in edges:
        name = str(lo) if hi == lo else (f"{lo}-{hi}" if hi else f"{lo}+")
        out[name] = int(((sizes >= lo) & (sizes <= (hi or sizes.max(initial=0)))).sum())
    out["largest"] = int(sizes.max(initial=0))
    return out
