"""The linking engine: prepare -> index -> compare -> fit -> score -> cluster -> entity ids.

``link(ingested)`` resolves the person and organisation records of one ingest into entities
and returns a :class:`Linked` with ``clusters``, ``links`` (the accepted links that justify
each cluster, with evidence), ``stats`` and ``models`` (the fitted :class:`ModelSet`);
``Linked.write(DIR)`` writes clusters.csv, links.csv, quality.json, link_stats.json and
model.json. Given a saved model (``models=``), linking applies it without refitting and
gives the same clusters as the run that saved it, on the same input.

``fit(frame, entity_type)`` fits one entity type's :class:`LinkModel` alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linking.cluster import cluster_records, size_distribution
from linking.compare import Comparator
from linking.entity_ids import assign_ids
from linking.fit import (
    assemble,
    blocked_comparisons,
    count_all_pairs,
    level_shares,
    m_per_pass,
    prior_over_all_pairs,
    term_frequencies,
    u_probabilities,
)
from linking.index import PassStats, candidate_pairs, random_pairs
from linking.judgments import effective_judgments
from linking.model import LinkModel, ModelSet, exact_agreement_chance
from linking.pairs import (
    RULE_DIFFERENT_IDS,
    RULE_SAME_ID,
    RULES,
    IdentifierRule,
    ScoredPairs,
    apply_judgments,
    score_pairs,
)
from linking.prepare import prepare
from linking.settings import EntitySettings, LinkSettings
from loaders.heartbeat import Heartbeat

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
    models: ModelSet | None = None

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write clusters.csv, links.csv, quality.json, quality.md, link_stats.json and
        model.json."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {name: out / name for name in ("clusters.csv", "links.csv", "quality.json",
                                                "quality.md", "link_stats.json")}
        write_csv(self.clusters[CLUSTER_COLUMNS], paths["clusters.csv"])
        write_csv(self.links[LINK_COLUMNS], paths["links.csv"])
        report, markdown = self._quality()
        paths["quality.json"].write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                         encoding="utf-8")
        paths["quality.md"].write_text(markdown, encoding="utf-8")
        paths["link_stats.json"].write_text(json.dumps(self.stats, ensure_ascii=False,
                                                       indent=1, default=str),
                                            encoding="utf-8")
        if self.models is not None:
            paths["model.json"] = self.models.save(out / "model.json")
        return paths

    def _quality(self) -> tuple[dict, str]:
        from linking.quality import quality_report, render_markdown

        ingested = self.ingested if self.ingested is not None else {}
        report = quality_report(ingested, self.clusters)
        return report, render_markdown(report)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A frame as UTF-8 CSV through Arrow's writer (fast on millions of evidence strings)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    with open(path, "wb") as sink:
        sink.write((",".join(frame.columns) + "\n").encode("utf-8"))
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))


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
         labels: pd.DataFrame | None = None, models: ModelSet | None = None) -> Linked:
    """Resolve the persons and organisations of ``ingested`` into entities.

    ``ingested`` has DataFrames ``persons`` / ``organizations`` (attributes or mapping keys).
    ``judgments`` is a JudgmentStore or (verdict, "DEPT:ID", "DEPT:ID") tuples;
    ``previous_clusters`` a prior clusters.csv frame, so entity ids stay stable;
    ``labels`` labelled pairs (department_l, record_id_l, department_r, record_id_r, match)
    from which m is counted instead of estimated; ``models`` a saved ModelSet to apply
    without refitting (an entity type it lacks is fitted).
    """
    settings = settings or LinkSettings()
    judged = effective_judgments(judgments)
    all_clusters, all_links, fitted = [], [], {}
    stats: dict[str, Any] = {}
    for entity_type, attr in ENTITY_FRAMES:
        frame = _frame(ingested, attr)
        if frame is None:
            continue
        keys = _check_keys(frame, attr)
        previous = _previous_ids(previous_clusters, entity_type, keys)
        given = models.get(entity_type) if models is not None else None
        clusters, links, entity_stats, model = _link_entity(
            frame, keys, entity_type, settings, judged, previous, labels, given, progress)
        all_clusters.append(clusters)
        all_links.append(links)
        stats[entity_type] = entity_stats
        fitted[entity_type] = model
    clusters = (pd.concat(all_clusters, ignore_index=True) if all_clusters
                else pd.DataFrame(columns=CLUSTER_COLUMNS))
    links = (pd.concat(all_links, ignore_index=True) if all_links
             else pd.DataFrame(columns=LINK_COLUMNS))
    reused = models is not None and all(fitted[k] is models.get(k) for k in fitted)
    if models is not None:  # a given model of an entity type absent from this run is kept
        fitted = {**models.models, **fitted}
    kept = ModelSet(fitted, models.created) if reused else ModelSet(fitted)
    return Linked(clusters=clusters, links=links, stats=stats, ingested=ingested,
                  models=kept)


def _previous_ids(previous_clusters: pd.DataFrame | None, entity_type: str,
                  keys: pd.Series) -> pd.Series | None:
    if previous_clusters is None or not len(previous_clusters):
        return None
    prev = previous_clusters[previous_clusters["entity_type"] == entity_type]
    prev_map = pd.Series(prev["entity_id"].to_numpy(),
                         index=prev["department"].astype(str) + ":"
                         + prev["record_id"].astype(str))
    return keys.map(prev_map[~prev_map.index.duplicated()])


@dataclass
class _Candidates:
    """Candidate pairs after blocking, with what pruning removed."""

    left: np.ndarray
    right: np.ndarray
    passes: list[PassStats]
    blocked: int
    ruled_out: int


def judged_codes(judged: dict, row_of: pd.Series, verdict: str, n: int) -> np.ndarray:
    """Pair codes (left * n + right, left < right) of the judged pairs with this verdict
    whose two records are both rows of ``row_of`` (record key -> row)."""
    pairs = [(row_of.get(a), row_of.get(b)) for (a, b), v in judged.items() if v == verdict]
    pairs = [(int(a), int(b)) for a, b in pairs if a is not None and b is not None]
    if not pairs:
        return np.empty(0, np.int64)
    arr = np.array(pairs, dtype=np.int64)
    return np.unique(np.minimum(arr[:, 0], arr[:, 1]) * n + np.maximum(arr[:, 0], arr[:, 1]))


def _candidates(prepared: pd.DataFrame, es: EntitySettings, ids: IdentifierRule | None,
                same_codes: np.ndarray) -> _Candidates:
    """Blocked pairs, plus judged-same pairs, minus pairs two different valid ids rule out
    (they can never match, so comparing them would be wasted)."""
    n = len(prepared)
    open_ = ids.code < 0 if ids is not None else None
    closed = frozenset({es.id_field or "", "id_key1", "id_key2", "id_key3"})
    budget = int(max(es.pair_budget * n, 1_000_000))
    left, right, passes = candidate_pairs(prepared, es.blocking, es.link_type,
                                          es.max_block_size, open_, closed, budget)
    blocked = int(left.size)
    if same_codes.size:
        codes = np.unique(np.r_[left * n + right, same_codes])
        left, right = codes // n, codes % n
    ruled_out = 0
    if ids is not None:
        out = ids.different(left, right) & ~np.isin(left * n + right, same_codes)
        ruled_out = int(out.sum())
        left, right = left[~out], right[~out]
    return _Candidates(left, right, passes, blocked, ruled_out)


def _training(labels: pd.DataFrame, row_of: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Labelled matching pairs of this entity type as (left rows, right rows)."""
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
    ok = a.notna() & b.notna() & (y == 1)
    return a[ok].to_numpy(np.int64), b[ok].to_numpy(np.int64)


def _fit(prepared: pd.DataFrame, es: EntitySettings, comparator: Comparator,
         cand: _Candidates, levels: np.ndarray, ids: IdentifierRule | None,
         sure_codes: np.ndarray, labelled: tuple[np.ndarray, np.ndarray] | None,
         progress: bool) -> tuple[LinkModel, ScoredPairs]:
    """The model of one entity type from its candidates' comparison levels, and the
    candidates scored by it (the evidence does not depend on the prior: computed once)."""
    n = len(prepared)
    departments = prepared["department"].to_numpy()
    rl, rr = random_pairs(departments, es.link_type, es.u_sample)
    random_levels = comparator.levels(rl, rr, progress=progress, desc="compare random pairs")
    exact = [exact_agreement_chance(prepared[spec.field].to_numpy(dtype=object))
             for spec in es.comparisons]
    u = u_probabilities(random_levels, comparator.n_levels, exact)
    codes = cand.left * n + cand.right
    u_agreeing: list[list[np.ndarray | None]] = []  # labelled matches teach no household u
    if labelled is not None and labelled[0].size:
        m = level_shares(comparator.levels(*labelled), comparator.n_levels)
        training = {"method": "m_from_labelled_matches", "labelled_matches":
                    int(labelled[0].size)}
    else:
        passes = [(p.codes, blocked_comparisons(p.keys, es.comparisons)) for p in cand.passes]
        m, iterations, u_agreeing = m_per_pass(levels, comparator.n_levels, codes, passes,
                                               u, es.em_max_iter, es.em_tol,
                                               groups=es.group_indices())
        training = {"method": "em_per_blocking_pass", "iterations": iterations}
    tf = term_frequencies(es, lambda f: prepared[f].to_numpy(dtype=object))
    unscaled = assemble(es, comparator.labels, m, u, tf, 0.5, n, training, u_agreeing)
    scored = score_pairs(unscaled, comparator, cand.left, cand.right, ids, levels)
    sure = (scored.rule == RULES.index(RULE_SAME_ID)) | np.isin(codes, sure_codes)
    decided = sure | (scored.rule == RULES.index(RULE_DIFFERENT_IDS))
    all_pairs = count_all_pairs(departments, es.link_type)
    prior = prior_over_all_pairs(scored.total[~decided], int(sure.sum()), all_pairs)
    training.update({"candidate_pairs": int(codes.size), "random_pairs": int(rl.size),
                     "all_record_pairs": all_pairs})
    model = assemble(es, comparator.labels, m, u, tf, prior, n, training, u_agreeing)
    scored.model = model
    scored.total += model.prior_weight  # the unscaled model's prior weighed 0 bits
    return model, scored


def fit(frame: pd.DataFrame, entity_type: str, settings: LinkSettings | None = None,
        progress: bool = False) -> LinkModel:
    """Fit the model of one entity type on an ingested frame (persons or organisations)."""
    prepared = prepare(frame.reset_index(drop=True), entity_type)
    es = (settings or LinkSettings()).for_entity(entity_type, prepared)
    comparator = Comparator(prepared, es.comparisons, es.chunk_size)
    empty = np.empty(0, np.int64)
    model_ids = IdentifierRule.of(prepared, es)
    cand = _candidates(prepared, es, model_ids, empty)
    levels = comparator.levels(cand.left, cand.right, progress=progress)
    return _fit(prepared, es, comparator, cand, levels, model_ids, empty, None, progress)[0]


def _pair_scorer(model: LinkModel, comparator: Comparator, ids: IdentifierRule | None,
                 same_codes: np.ndarray, different_codes: np.ndarray, n: int):
    """Score record pairs that were not candidates (clustering checks whole components)."""

    def score_more(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        scored = score_pairs(model, comparator, left, right, ids)
        apply_judgments(scored, same_codes, different_codes, n)
        return scored.cluster_weight(model.threshold_weight)

    return score_more


def _link_entity(frame: pd.DataFrame, keys: pd.Series, entity_type: str,
                 settings: LinkSettings, judged: dict, previous: pd.Series | None,
                 labels: pd.DataFrame | None, given: LinkModel | None, progress: bool
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict, LinkModel]:
    with Heartbeat(f"link {entity_type}", progress) as laps:
        return _link_steps(laps, frame, keys, entity_type, settings, judged, previous,
                           labels, given, progress)


def _link_steps(laps: Heartbeat, frame: pd.DataFrame, keys: pd.Series, entity_type: str,
                settings: LinkSettings, judged: dict, previous: pd.Series | None,
                labels: pd.DataFrame | None, given: LinkModel | None, progress: bool
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict, LinkModel]:
    laps.step("prepare")
    prepared = prepare(frame, entity_type)
    es = given.settings if given is not None else settings.for_entity(entity_type, prepared)
    n = len(prepared)
    row_of = pd.Series(np.arange(n), index=keys.to_numpy())
    same_codes = judged_codes(judged, row_of, "same", n)
    different_codes = judged_codes(judged, row_of, "different", n)
    ids = IdentifierRule.of(prepared, es)
    laps.step("index")
    cand = _candidates(prepared, es, ids, same_codes)
    laps.step("compare", ticks=False)  # it draws its own progress bar
    comparator = Comparator(prepared, es.comparisons, es.chunk_size)
    levels = comparator.levels(cand.left, cand.right, progress=progress,
                               desc=f"compare {entity_type} pairs")
    laps.step("fit" if given is None else "score")
    labelled = _training(labels, row_of) if labels is not None else None
    if given is None:
        model, scored = _fit(prepared, es, comparator, cand, levels, ids, same_codes,
                             labelled, progress)
        laps.step("score")
    else:
        given.check_levels(comparator.labels)
        model = given.for_records(n)
        scored = score_pairs(model, comparator, cand.left, cand.right, ids, levels)
    apply_judgments(scored, same_codes, different_codes, n)
    weight = scored.cluster_weight(model.threshold_weight)
    laps.step("cluster")
    cluster_labels, info = cluster_records(
        n, cand.left, cand.right, weight,
        _pair_scorer(model, comparator, ids, same_codes, different_codes, n))
    laps.step("ids")
    entity_ids = assign_ids(keys, cluster_labels, entity_type, previous)
    clusters = pd.DataFrame({"department": prepared["department"],
                             "record_id": prepared["record_id"],
                             "entity_id": entity_ids, "entity_type": entity_type})
    laps.step("evidence")
    accepted = np.flatnonzero(weight >= 0)
    kept = accepted[cluster_labels[cand.left[accepted]] == cluster_labels[cand.right[accepted]]]
    links = links_frame(prepared, scored, kept)
    laps.step(None)

    stats = {
        "records": n,
        "blocking": [p.as_dict() for p in cand.passes],
        "candidate_pairs": cand.blocked,
        "labelled_pair_completeness": _completeness(labelled, cand, n),
        "pairs_ruled_out_different_valid_ids": cand.ruled_out,
        "pairs_compared": int(cand.left.size),
        "capped_pairs": int(sum(p.capped_pairs for p in cand.passes)),
        "accepted_links": int(accepted.size),
        "links_written": int(kept.size),
        "entities": int(pd.Series(entity_ids).nunique()),
        "entity_sizes": size_distribution(cluster_labels),
        "rules": {name: int((scored.rule == i).sum()) for i, name in enumerate(RULES)},
        "judgments_applied": {"same": int(same_codes.size), "different":
                              int(different_codes.size)},
        "clustering": info.as_dict(),
        "model": {"prior": model.prior, "prior_weight": round(model.prior_weight, 4),
                  "threshold": model.threshold, "refitted": given is None,
                  **model.training},
        "timings_s": {k: round(v, 3) for k, v in laps.seconds.items()},
    }
    return clusters, links, stats, given or model


def _completeness(labelled: tuple[np.ndarray, np.ndarray] | None, cand: _Candidates,
                  n: int) -> float | None:
    """Share of the labelled matches that blocking made candidates (None without any)."""
    if labelled is None or not labelled[0].size:
        return None
    codes = np.minimum(*labelled) * n + np.maximum(*labelled)
    return round(float(np.isin(codes, cand.left * n + cand.right).mean()), 6)


def links_frame(prepared: pd.DataFrame, scored: ScoredPairs, rows: np.ndarray
                 ) -> pd.DataFrame:
    """links.csv rows for the given scored pairs, with their evidence."""
    dept = prepared["department"].to_numpy()
    record = prepared["record_id"].to_numpy()
    left, right = scored.left[rows], scored.right[rows]
    return pd.DataFrame({
        "department_l": dept[left], "record_id_l": record[left],
        "department_r": dept[right], "record_id_r": record[right],
        "score": np.round(scored.probability[rows], 6),
        "evidence": scored.evidence(rows)})
