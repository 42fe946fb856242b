"""Cluster: accepted links -> entities, with constraints enforced.

Connected components (scipy, vectorised) give the entities directly when a component is
clean. A component is re-clustered greedily (strongest link first, union-find) when it
holds two different valid identifiers, a "different" judgment, or a weak link that could
chain records: then

* two clusters with different valid identifiers never merge (a "same" judgment overrides),
* two clusters one of whose records was judged different from the other's never merge,
* a link below ``strong`` merges two clusters (beyond a plain pair) only when at least two
  accepted links support it, so one doubtful link cannot chain two entities.

Only the components that need care go through the Python loop, so the cost stays small.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass
class ClusterInfo:
    """What the constraints did."""

    components: int = 0
    reclustered_components: int = 0
    refused_id_conflict: int = 0
    refused_judgment: int = 0
    refused_weak_support: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"components": self.components,
                "reclustered_components": self.reclustered_components,
                "refused_links_id_conflict": self.refused_id_conflict,
                "refused_links_judgment_different": self.refused_judgment,
                "refused_links_weak_support": self.refused_weak_support}


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label per record for the given edges."""
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


class _Forest:
    """Union-find with the per-cluster state the constraints need."""

    def __init__(self, nodes: np.ndarray, id_code: np.ndarray,
                 cannot: dict[int, set[int]]) -> None:
        self.parent = {int(v): int(v) for v in nodes}
        self.size = dict.fromkeys(self.parent, 1)
        self.ids = {v: ({int(id_code[v])} if id_code[v] >= 0 else set()) for v in self.parent}
        self.members = {v: [v] for v in self.parent}
        self.cannot = {v: set(cannot.get(v, ())) for v in self.parent}

    def find(self, v: int) -> int:
        root = v
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[v] != root:
            self.parent[v], v = root, self.parent[v]
        return root

    def judged_apart(self, a: int, b: int) -> bool:
        small, other = (a, b) if len(self.cannot[a]) <= len(self.cannot[b]) else (b, a)
        return any(x in self.parent and self.find(x) == other for x in self.cannot[small])

    def union(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.ids[a] |= self.ids.pop(b)
        self.members[a] += self.members.pop(b)
        self.cannot[a] |= self.cannot.pop(b)


def _recluster(nodes: list[int], edges: list[tuple[int, int, float, bool]],
               id_code: np.ndarray, cannot: dict[int, set[int]], strong: float,
               info: ClusterInfo) -> dict[int, int]:
    """Greedy constrained merging of one component (edges strongest first): node -> root."""
    forest = _Forest(np.asarray(nodes), id_code, cannot)
    adjacency: dict[int, set[int]] = defaultdict(set)
    for a, b, _, _ in edges:
        adjacency[a].add(b)
        adjacency[b].add(a)
    pending = edges
    while pending:
        deferred = []
        for a, b, p, forced in pending:
            ra, rb = forest.find(a), forest.find(b)
            if ra == rb:
                continue
            if forest.judged_apart(ra, rb):
                info.refused_judgment += 1
                continue
            if not forced and forest.ids[ra] and forest.ids[rb] and \
                    forest.ids[ra] != forest.ids[rb]:
                info.refused_id_conflict += 1
                continue
            if not forced and p < strong and forest.size[ra] + forest.size[rb] > 2:
                small = ra if forest.size[ra] <= forest.size[rb] else rb
                other = rb if small == ra else ra
                support = sum(1 for x in forest.members[small] for y in adjacency[x]
                              if forest.find(y) == other)
                if support < 2:
                    deferred.append((a, b, p, forced))
                    continue
            forest.union(ra, rb)
        if len(deferred) == len(pending):
            info.refused_weak_support += len(deferred)
            break
        pending = deferred
    return {v: forest.find(v) for v in nodes}


def _care_components(comp: np.ndarray, left: np.ndarray, prob: np.ndarray,
                     forced: np.ndarray, id_code: np.ndarray, strong: float,
                     cannot_left: np.ndarray, cannot_right: np.ndarray) -> np.ndarray:
    """Components that need constrained re-clustering (sorted ids)."""
    sizes = np.bincount(comp)
    weak = (prob < strong) & ~forced
    care = [np.unique(comp[left[weak]][sizes[comp[left[weak]]] > 2])]
    has_id = id_code >= 0
    if has_id.any():
        pairs = np.unique(np.column_stack([comp[has_id], id_code[has_id]]), axis=0)
        multi = np.bincount(pairs[:, 0], minlength=sizes.size) > 1
        care.append(np.flatnonzero(multi))
    together = comp[cannot_left] == comp[cannot_right]
    care.append(comp[cannot_left[together]])
    return np.unique(np.concatenate(care)).astype(np.int64)


def constrained_clusters(n: int, left: np.ndarray, right: np.ndarray, prob: np.ndarray,
                         forced: np.ndarray, id_code: np.ndarray, strong: float,
                         cannot_left: np.ndarray, cannot_right: np.ndarray
                         ) -> tuple[np.ndarray, ClusterInfo]:
    """Cluster label per record from accepted links (all of left/right are accepted).

    ``forced`` marks links a "same" judgment imposed; ``id_code`` is the valid strong
    identifier code per record (-1 none); cannot_* are record pairs judged different.
    """
    info = ClusterInfo()
    comp = components(n, left, right)
    info.components = int(comp.max() + 1) if n else 0
    labels = comp.astype(np.int64)
    care = _care_components(comp, left, prob, forced, id_code, strong, cannot_left,
                            cannot_right)
    if care.size == 0:
        return labels, info
    info.reclustered_components = int(care.size)
    cannot: dict[int, set[int]] = defaultdict(set)
    for a, b in zip(cannot_left.tolist(), cannot_right.tolist(), strict=True):
        cannot[a].add(b)
        cannot[b].add(a)
    in_care = np.isin(comp[left], care)
    el, er, ep, ef = left[in_care], right[in_care], prob[in_care], forced[in_care]
    ec = comp[el]
    order = np.lexsort((er, el, -ep, ~ef, ec))  # by component, forced first, strongest first
    el, er, ep, ef, ec = el[order], er[order], ep[order], ef[order], ec[order]
    edge_bounds = np.searchsorted(ec, care, side="left"), np.searchsorted(ec, care, "right")
    node_order = np.argsort(comp, kind="stable")
    sorted_comp = comp[node_order]
    node_bounds = (np.searchsorted(sorted_comp, care, side="left"),
                   np.searchsorted(sorted_comp, care, side="right"))
    next_label = info.components
    el_l, er_l, ep_l, ef_l = el.tolist(), er.tolist(), ep.tolist(), ef.tolist()
    for i in range(care.size):
        lo, hi = int(edge_bounds[0][i]), int(edge_bounds[1][i])
        nodes = node_order[node_bounds[0][i]:node_bounds[1][i]].tolist()
        edges = list(zip(el_l[lo:hi], er_l[lo:hi], ep_l[lo:hi], ef_l[lo:hi], strict=True))
        roots = _recluster(nodes, edges, id_code, cannot, strong, info)
        root_label: dict[int, int] = {}
        for node in sorted(roots):
            root = roots[node]
            if root not in root_label:
                root_label[root] = next_label
                next_label += 1
            labels[node] = root_label[root]
    return labels, info
