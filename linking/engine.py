"""The linking engine: index -> compare -> classify -> cluster -> stable entity ids.

``link(ingested)`` resolves the person and organisation records of one ingest into
entities and returns a :class:`Linked` with ``clusters``, ``links`` (the accepted links
that justify each cluster, with evidence) and ``stats``; ``Linked.write(DIR)`` writes
clusters.csv, links.csv, quality.json and quality.md as the contract says.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linking.classify import (
    RULE_JUDGED_SAME,
    RULE_MODEL,
    RULE_SUPERVISED,
    RULES,
    apply_id_rules,
    blocked_comparisons,
    fit_per_pass,
    fit_supervised,
    fit_unsupervised,
    probability,
    tf_adjustments,
    u_from_random,
)
from linking.cluster import constrained_clusters
from linking.compare import coded_columns, compare_chunk, make_feature
from linking.entity_ids import assign_ids
from linking.evidence import evidence_json
from linking.index import candidate_pairs, random_pairs
from linking.judgments import effective_judgments
from linking.prepare import prepare
from linking.settings import EntitySettings, LinkSettings, settings_as_dict

CLUSTER_COLUMNS = ["department", "record_id", "entity_id", "entity_type"]
LINK_COLUMNS = ["department_l", "record_id_l", "department_r", "record_id_r", "score",
                "evidence"]
ENTITY_FRAMES = (("person", "persons"), ("organization", "organizations"))


@dataclass
class Linked:
    """The result of one link run."""

    clusters: pd.DataFrame
    links: pd.DataFrame
    stats: dict = field(default_factory=dict)
    ingested: Any = None

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write clusters.csv, links.csv, quality.json, quality.md and link_stats.json."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {name: out / name for name in ("clusters.csv", "links.csv", "quality.json",
                                                "quality.md", "link_stats.json")}
        self.clusters[CLUSTER_COLUMNS].to_csv(paths["clusters.csv"], index=False)
        self.links[LINK_COLUMNS].to_csv(paths["links.csv"], index=False)
        report, markdown = self._quality()
        paths["quality.json"].write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
        paths["quality.md"].write_text(markdown, encoding="utf-8")
        paths["link_stats.json"].write_text(json.dumps(self.stats, ensure_ascii=False,
                                                       indent=1, default=str),
                                            encoding="utf-8")
        return paths

    def _quality(self) -> tuple[dict, str]:
        try:  # linking.quality is built by the benchmark engineer beside this module
            from linking.quality import quality_report, render_markdown
        except ImportError:
            report = {"note": "linking.quality is not available in this installation",
                      "linking": self.stats}
            return report, "# Data-quality report\n\nNot available in this installation.\n"
        ingested = self.ingested if self.ingested is not None else {}
        report = quality_report(ingested, self.clusters)
        return report, render_markdown(report)


def _frame(ingested: Any, attr: str) -> pd.DataFrame | None:
    frame = ingested.get(attr) if isinstance(ingested, dict) else getattr(ingested, attr, None)
    return frame if isinstance(frame, pd.DataFrame) and len(frame) else None


def _check_keys(frame: pd.DataFrame, attr: str) -> pd.Series:
    for column in ("department", "record_id"):
        if column not in frame.columns:
            raise ValueError(f"ingested {attr} frame lacks the {column!r} column")
    keys = frame["department"].astype(str) + ":" + frame["record_id"].astype(str)
    dup = keys.duplicated()
    if dup.any():
        first = keys[dup].iloc[0]
        raise ValueError(f"ingested {attr}: record {first} appears {int((keys == first).sum())}"
                         " times; (department, record_id) must be unique")
    return keys.reset_index(drop=True)


def link(ingested: Any, settings: LinkSettings | None = None, judgments=None,
         previous_clusters: pd.DataFrame | None = None, progress: bool = True,
         labels: pd.DataFrame | None = None) -> Linked:
    """Resolve the persons and organisations of ``ingested`` into entities.

    ``ingested`` has DataFrames ``persons`` / ``organizations`` (attributes or mapping keys).
    ``judgments`` is a JudgmentStore or (verdict, "DEPT:ID", "DEPT:ID") tuples;
    ``previous_clusters`` a prior clusters.csv frame, so entity ids stay stable;
    ``labels`` labelled pairs (department_l, record_id_l, department_r, record_id_r, match)
    switch classification to logistic regression.
    """
    settings = settings or LinkSettings()
    judged = effective_judgments(judgments)
    all_clusters, all_links = [], []
    stats: dict[str, Any] = {}
    for entity_type, attr in ENTITY_FRAMES:
        frame = _frame(ingested, attr)
        if frame is None:
            continue
        keys = _check_keys(frame, attr)
        previous = None
        if previous_clusters is not None and len(previous_clusters):
            prev = previous_clusters[previous_clusters["entity_type"] == entity_type]
            prev_map = pd.Series(prev["entity_id"].to_numpy(),
                                 index=prev["department"].astype(str) + ":"
                                 + prev["record_id"].astype(str))
            prev_map = prev_map[~prev_map.index.duplicated()]
            previous = keys.map(prev_map)
        clusters, links, entity_stats = _link_entity(
            frame, keys, entity_type, settings, judged, previous, labels, progress)
        all_clusters.append(clusters)
        all_links.append(links)
        stats[entity_type] = entity_stats
    clusters = (pd.concat(all_clusters, ignore_index=True) if all_clusters
                else pd.DataFrame(columns=CLUSTER_COLUMNS))
    links = (pd.concat(all_links, ignore_index=True) if all_links
             else pd.DataFrame(columns=LINK_COLUMNS))
    return Linked(clusters=clusters, links=links, stats=stats, ingested=ingested)


def _judged_rows(judged: dict, row_of: pd.Series, verdict: str) -> tuple[np.ndarray, np.ndarray]:
    pairs = [(row_of.get(a), row_of.get(b)) for (a, b), v in judged.items() if v == verdict]
    pairs = [(int(a), int(b)) for a, b in pairs if a is not None and b is not None]
    if not pairs:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    arr = np.array(pairs, dtype=np.int64)
    return np.minimum(arr[:, 0], arr[:, 1]), np.maximum(arr[:, 0], arr[:, 1])


def _compare(features, arrays, left, right, chunk: int, progress: bool, desc: str) -> np.ndarray:
    from tqdm import tqdm

    levels = np.empty((left.size, len(features)), dtype=np.int8)
    starts = range(0, left.size, chunk)
    for start in tqdm(starts, desc=desc, unit="chunk", disable=not progress, file=sys.stderr):
        stop = min(start + chunk, left.size)
        levels[start:stop] = compare_chunk(features, arrays, left[start:stop], right[start:stop])
    return levels


def _training(labels: pd.DataFrame, row_of: pd.Series, n: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labelled pairs of this entity type as (left rows, right rows, 0/1)."""
    needed = {"department_l", "record_id_l", "department_r", "record_id_r", "match"}
    missing = needed - set(labels.columns)
    if missing:
        raise ValueError(f"labelled pairs lack column(s) {sorted(missing)}")
    a = (labels["department_l"].astype(str) + ":" + labels["record_id_l"].astype(str)).map(row_of)
    b = (labels["department_r"].astype(str) + ":" + labels["record_id_r"].astype(str)).map(row_of)
    y = labels["match"].astype(str).str.strip().str.lower().map(
        {"1": 1, "true": 1, "yes": 1, "0": 0, "false": 0, "no": 0})
    if y.isna().any():
        bad = labels.index[y.isna()][0]
        raise ValueError(f"labelled pairs row {bad + 2}: match must be 1/0/true/false")
    ok = a.notna() & b.notna()
    left, right, y = a[ok].to_numpy(np.int64), b[ok].to_numpy(np.int64), y[ok].to_numpy(int)
    if y.size and y.min() == 1:  # only matches given: random record pairs as non-matches
        rng = np.random.default_rng(0)
        extra = min(5 * y.size, max(n * (n - 1) // 2, 0))
        rl, rr = rng.integers(0, n, extra), rng.integers(0, n, extra)
        keep = rl != rr
        left = np.r_[left, rl[keep]]
        right = np.r_[right, rr[keep]]
        y = np.r_[y, np.zeros(int(keep.sum()), dtype=int)]
    return left, right, y


def _pair_completeness(train: tuple[np.ndarray, np.ndarray, np.ndarray], candidate_codes:
                       np.ndarray, n: int) -> float | None:
    """Share of the labelled matches that blocking made candidates (None without any)."""
    left, right, y = train
    match = y == 1
    if not match.any():
        return None
    codes = np.minimum(left[match], right[match]) * n + np.maximum(left[match], right[match])
    return round(float(np.isin(codes, candidate_codes).mean()), 6)


def _link_entity(frame: pd.DataFrame, keys: pd.Series, entity_type: str,
                 settings: LinkSettings, judged: dict, previous: pd.Series | None,
                 labels: pd.DataFrame | None, progress: bool
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    prepared = prepare(frame, entity_type)
    es: EntitySettings = settings.for_entity(entity_type, prepared)
    n = len(prepared)
    row_of = pd.Series(np.arange(n), index=keys.to_numpy())
    lap("prepare")

    left, right, pass_stats = candidate_pairs(prepared, es.blocking, es.link_type,
                                              es.max_block_size)
    same_l, same_r = _judged_rows(judged, row_of, "same")
    diff_l, diff_r = _judged_rows(judged, row_of, "different")
    candidates = int(left.size)
    train = _training(labels, row_of, n) if labels is not None else None
    completeness = _pair_completeness(train, left * n + right, n) if train is not None else None
    if same_l.size:  # judged-same pairs are scored (for evidence) even if not blocked together
        codes = np.unique(np.r_[left * n + right, same_l * n + same_r])
        left, right = codes // n, codes % n
    if es.id_field and es.id_valid_field:
        valid = prepared[es.id_valid_field].to_numpy(dtype=bool)
        id_code = np.where(valid, pd.factorize(prepared[es.id_field])[0], -1)
        # Two different valid identifiers are never merged: no need to compare them.
        ruled_out = (valid[left] & valid[right] & (id_code[left] != id_code[right])
                     & ~np.isin(left * n + right, same_l * n + same_r))
        left, right = left[~ruled_out], right[~ruled_out]
    else:
        id_code = np.full(n, -1, dtype=np.int64)
        ruled_out = np.zeros(0, dtype=bool)
    lap("index")

    features = [make_feature(spec, prepared) for spec in es.comparisons]
    names = [spec.field for spec in es.comparisons]
    level_labels = [tuple(f.level_labels) for f in features]
    n_levels = [f.n_levels for f in features]
    arrays = coded_columns(prepared, features)
    levels = _compare(features, arrays, left, right, es.chunk_size, progress,
                      f"compare {entity_type} pairs")
    lap("compare")

    model: dict[str, Any]
    if train is not None and train[2].size:
        train_levels = compare_chunk(features, arrays, train[0], train[1])
        level_weights, _, total, info = fit_supervised(levels, n_levels, train_levels, train[2])
        rule_code = RULES.index(RULE_SUPERVISED)
        model = {"kind": RULE_SUPERVISED, **info}
    else:
        u_random = None
        if es.u_source in ("random", "random_start"):
            rl, rr = random_pairs(prepared["department"].to_numpy(), es.link_type, es.u_sample)
            u_random = u_from_random(compare_chunk(features, arrays, rl, rr), n_levels)
        if es.u_source == "random":
            passes = [(p.codes, blocked_comparisons(p.keys, es.comparisons))
                      for p in pass_stats]
            params, total = fit_per_pass(levels, n_levels, left * n + right, passes, u_random,
                                         es.em_max_iter, es.em_tol)
        else:
            params, total = fit_unsupervised(
                levels, n_levels, es.em_max_iter, es.em_tol,
                u_init=u_random if es.u_source == "random_start" else None,
                fit_mask=~((id_code[left] >= 0) & (id_code[left] == id_code[right])))
        level_weights = params.weights()
        rule_code = RULES.index(RULE_MODEL)
        model = {"kind": RULE_MODEL, **params.as_dict(names, level_labels)}
    tf_adjust: dict[int, np.ndarray] = {}
    for k, spec in enumerate(es.comparisons):
        if spec.tf:
            tf_adjust[k] = tf_adjustments(prepared[spec.field].to_numpy(dtype=object), left,
                                          levels[:, k], n_levels[k] - 1, es.tf_cap)
            total = total + tf_adjust[k]
    prob = probability(total)
    rule = np.full(left.size, rule_code, dtype=np.int8)
    if es.id_field and es.id_valid_field:
        apply_id_rules(prob, rule, id_code, id_code >= 0, left, right)
    pair_code = left * n + right
    forced = np.isin(pair_code, same_l * n + same_r)
    prob[forced] = 1.0
    rule[forced] = RULES.index(RULE_JUDGED_SAME)
    forbidden = np.isin(pair_code, diff_l * n + diff_r)
    prob[forbidden] = 0.0
    lap("classify")

    threshold = es.supervised_threshold if model["kind"] == RULE_SUPERVISED else es.threshold
    accepted = (prob >= threshold) | forced
    acc = np.flatnonzero(accepted)
    cluster_labels, info = constrained_clusters(
        n, left[acc], right[acc], prob[acc], forced[acc], id_code, es.strong_threshold,
        diff_l, diff_r)
    lap("cluster")

    entity_ids = assign_ids(keys, cluster_labels, entity_type, previous)
    clusters = pd.DataFrame({"department": prepared["department"],
                             "record_id": prepared["record_id"],
                             "entity_id": entity_ids, "entity_type": entity_type})
    lap("ids")

    kept = acc[cluster_labels[left[acc]] == cluster_labels[right[acc]]]
    evidence = evidence_json(names, level_labels, levels[kept],
                             [np.asarray(w) for w in level_weights],
                             {k: v[kept] for k, v in tf_adjust.items()}, rule[kept],
                             total[kept])
    links = pd.DataFrame({
        "department_l": prepared["department"].to_numpy()[left[kept]],
        "record_id_l": prepared["record_id"].to_numpy()[left[kept]],
        "department_r": prepared["department"].to_numpy()[right[kept]],
        "record_id_r": prepared["record_id"].to_numpy()[right[kept]],
        "score": np.round(prob[kept], 6),
        "evidence": evidence})
    lap("evidence")

    stats = {
        "records": n,
        "blocking": [p.as_dict() for p in pass_stats],
        "candidate_pairs": candidates,
        "labelled_pair_completeness": completeness,
        "pairs_compared": int(left.size),
        "capped_pairs": int(sum(p.capped_pairs for p in pass_stats)),
        "accepted_links": int(acc.size),
        "links_written": int(kept.size),
        "entities": int(pd.Series(entity_ids).nunique()),
        "rules": {name: int((rule == i).sum()) for i, name in enumerate(RULES)},
        "pairs_ruled_out_different_valid_ids": int(ruled_out.sum()),
        "judgments_applied": {"same": int(forced.sum()), "different": int(diff_l.size)},
        "clustering": info.as_dict(),
        "model": model,
        "settings": settings_as_dict(es),
        "timings_s": timings,
    }
    return clusters, links, stats
