"""The linking engine on Spark: ingest -> prepare -> block -> compare and score -> connected
components -> chaining checks -> entity ids, with the local engine's model and outputs.

Records are prepared (mapInPandas), blocked (joins), compared and scored (mapInPandas with
linking.compare and linking.pairs), joined into components (large-star/small-star) and
checked per component (linking.cluster, applyInPandas) on Spark. A model is fitted when none
is given from counts aggregated on Spark (linking.spark.fit). On the driver: the per-record
values fitting needs (settings, term frequencies), and the entity ids (linking.entity_ids).
``SparkLinked.write`` writes the local engine's files plus ``DIR/spark/*.parquet``
directories.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linking.cluster import ClusterInfo, size_distribution
from linking.compare import Comparator
from linking.engine import (
    CLUSTER_COLUMNS,
    ENTITY_FRAMES,
    LINK_COLUMNS,
    Linked,
    _check_keys,
    _frame,
    _previous_ids,
    judged_codes,
)
from linking.entity_ids import assign_ids
from linking.judgments import effective_judgments
from linking.model import LinkModel, ModelSet
from linking.pairs import RULES
from linking.prepare import prepare
from linking.settings import EntitySettings, LinkSettings
from linking.spark.blocking import candidate_pairs
from linking.spark.checks import INFO, check_components
from linking.spark.compare import Judged, score_candidates, with_records
from linking.spark.components import component_labels
from linking.spark.fit import SparkFitInputs, fit_on_spark
from linking.spark.frames import collect, ingested_frame, prepare_frame
from linking.spark.session import spark_session
from loaders.heartbeat import Heartbeat


@dataclass
class SparkLinked(Linked):
    """A Spark link run: the local engine's outputs, plus its scored pairs as Spark
    DataFrames."""

    frames: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """The local engine's files; the clusters, the links and every Spark frame as
        ``DIR/spark/NAME.parquet`` directories (the first two written from the driver's
        frames, not shipped back into Spark's heap)."""
        paths = super().write(out_dir)
        for name, table in (("clusters", self.clusters), ("links", self.links)):
            path = Path(out_dir) / "spark" / f"{name}.parquet"
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            table.to_parquet(path / "part-00000.parquet", index=False)
            paths[f"spark/{name}"] = path
        for name, frame in self.frames.items():
            path = Path(out_dir) / "spark" / f"{name}.parquet"
            frame.write.mode("overwrite").parquet(str(path))
            paths[f"spark/{name}"] = path
        return paths


def link(ingested: Any, settings: LinkSettings | None = None, judgments=None,
         previous_clusters: pd.DataFrame | None = None, progress: bool = True,
         models: ModelSet | None = None, master: str = "local[2]",
         scratch: str | Path | None = None) -> SparkLinked:
    """Resolve persons and organisations on Spark (``master``), as linking.engine.link."""
    spark = spark_session(master, scratch)
    settings = settings or LinkSettings()
    judged = effective_judgments(judgments)
    clusters, links, fitted, stats, frames = [], [], {}, {}, {}
    for entity_type, attr in ENTITY_FRAMES:
        frame = _frame(ingested, attr)
        if frame is None:
            continue
        frame = frame.reset_index(drop=True)
        keys = _check_keys(frame, attr)
        given = models.get(entity_type) if models is not None else None
        with Heartbeat(f"spark link {entity_type}", progress) as laps:
            run = _EntityRun(spark, frame, keys, entity_type, laps, progress)
            outcome = run.resolve(settings, judged, given,
                                  _previous_ids(previous_clusters, entity_type, keys))
        cluster_frame, link_frame, stats[entity_type], fitted[entity_type] = outcome
        clusters.append(cluster_frame)
        links.append(link_frame)
        frames.update(run.frames)
    reused = models is not None and all(fitted[k] is models.get(k) for k in fitted)
    if models is not None:  # a given model of an entity type absent from this run is kept
        fitted = {**models.models, **fitted}
    kept = ModelSet(fitted, models.created) if reused else ModelSet(fitted)
    return SparkLinked(clusters=_concat(clusters, CLUSTER_COLUMNS),
                       links=_concat(links, LINK_COLUMNS), stats=stats, ingested=ingested,
                       models=kept, frames=frames)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


@dataclass
class _EntityRun:
    """One entity type's run on Spark; ``frames`` keeps its scored pairs for Parquet."""

    spark: Any
    frame: pd.DataFrame
    keys: pd.Series
    entity_type: str
    laps: Heartbeat
    progress: bool
    frames: dict[str, Any] = field(default_factory=dict)

    def resolve(self, settings: LinkSettings, judged: dict, given: LinkModel | None,
                previous: pd.Series | None) -> tuple[pd.DataFrame, pd.DataFrame, dict,
                                                     LinkModel]:
        n = len(self.frame)
        self.laps.step("prepare")
        prepared = prepare_frame(ingested_frame(self.spark, self.frame),
                                 self.entity_type).localCheckpoint()
        row_of = pd.Series(np.arange(n), index=self.keys.to_numpy())
        codes = Judged(judged_codes(judged, row_of, "same", n),
                       judged_codes(judged, row_of, "different", n), n)
        es, prepared_local = self._settings(settings, given)
        self.laps.step("index")
        blocked, extra, blocked_count = self._candidates(prepared, es, codes)
        if given is None:
            self.laps.step("fit")
            model = fit_on_spark(self.spark, es, SparkFitInputs(
                prepared_local, prepared, blocked, extra, codes))
        else:
            model = given.for_records(n)
        self.laps.step("compare and score")
        scored = score_candidates(with_records(extra, prepared), model, codes)
        scored = scored.localCheckpoint()
        self.frames[f"{self.entity_type}_pairs"] = scored
        self.laps.step("cluster")
        labels, info = self._cluster(prepared, scored, model, codes, n)
        self.laps.step("ids")
        entity_ids = assign_ids(self.keys, labels, self.entity_type, previous)
        clusters = pd.DataFrame({"department": self.frame["department"].astype(str),
                                 "record_id": self.frame["record_id"].astype(str),
                                 "entity_id": entity_ids, "entity_type": self.entity_type})
        self.laps.step("evidence")
        links, counts = self._links(scored, labels)
        counts["blocked"] = blocked_count
        self.laps.step(None)
        stats = {
            "engine": "spark",
            "records": n,
            "blocking": [p.as_dict() for p in blocked.passes],
            "candidate_pairs": counts["blocked"],
            "pairs_ruled_out_different_valid_ids": counts["ruled_out"],
            "pairs_compared": counts["compared"],
            "capped_pairs": int(sum(p.capped_pairs for p in blocked.passes)),
            "accepted_links": counts["accepted"],
            "links_written": len(links),
            "entities": int(pd.Series(entity_ids).nunique()),
            "entity_sizes": size_distribution(labels),
            "rules": counts["rules"],
            "judgments_applied": {"same": int(codes.same.size),
                                  "different": int(codes.different.size)},
            "clustering": info.as_dict(),
            "model": {"prior": model.prior, "prior_weight": round(model.prior_weight, 4),
                      "threshold": model.threshold, "refitted": given is None,
                      **model.training},
            "timings_s": {k: round(v, 3) for k, v in self.laps.seconds.items()},
        }
        return clusters, links, stats, given or model

    def _settings(self, settings: LinkSettings, given: LinkModel | None
                  ) -> tuple[EntitySettings, pd.DataFrame | None]:
        """The saved model's settings (its comparisons checked against these records), or
        settings for these records with the records prepared on the driver (fitting reads
        their per-record values)."""
        if given is not None:
            sample = prepare(self.frame.head(1), self.entity_type)
            given.check_levels(Comparator(sample, given.settings.comparisons).labels)
            return given.settings, None
        prepared = prepare(self.frame, self.entity_type)
        return settings.for_entity(self.entity_type, prepared), prepared

    def _candidates(self, prepared, es: EntitySettings, codes: Judged):
        """Blocked pairs, those plus the judged-same pairs (what gets compared), and how many
        blocking made."""
        from pyspark.sql import functions as F

        n = codes.n
        has_ids = bool(es.id_field and es.id_valid_field
                       and es.id_field in prepared.columns)
        open_ = ~F.col(es.id_valid_field) if has_ids else F.lit(True)
        records = prepared.withColumn("open", open_)
        closed = (frozenset({es.id_field or "", "id_key1", "id_key2", "id_key3"})
                  if has_ids else None)
        budget = int(max(es.pair_budget * n, 1_000_000))
        blocked = candidate_pairs(self.spark, records, es.blocking, es.link_type,
                                  es.max_block_size, closed, budget)
        pairs = blocked.pairs.localCheckpoint()
        count = pairs.count()
        if not codes.same.size:
            return blocked, pairs, count
        same = self.spark.createDataFrame(pd.DataFrame({"left": codes.same // n,
                                                        "right": codes.same % n}))
        return blocked, pairs.unionByName(same).distinct(), count

    def _cluster(self, prepared, scored, model: LinkModel, codes: Judged, n: int
                 ) -> tuple[np.ndarray, ClusterInfo]:
        """Entity label (smallest row of its entity) per record, and what clustering did."""
        from pyspark.sql import functions as F

        edges = (scored.where("compared and weight >= 0")
                 .select(F.col("left").alias("src"), F.col("right").alias("dst")))
        labels = component_labels(edges, self.progress).localCheckpoint()
        buckets = int(self.spark.conf.get("spark.sql.shuffle.partitions"))
        checked = check_components(prepared, scored, labels, model, codes,
                                   buckets).toPandas()
        small = labels.toPandas()
        entity = np.arange(n, dtype=np.int64)
        entity[small["node"].to_numpy(np.int64)] = small["label"].to_numpy(np.int64)
        entity[checked["row"].to_numpy(np.int64)] = checked["entity"].to_numpy(np.int64)
        info = ClusterInfo(**{name: int(checked[name].sum()) for name in INFO})
        sizes = small.groupby("label").size()
        info.components += int((sizes < 3).sum()) + n - len(small)
        return entity, info

    def _links(self, scored, labels: np.ndarray) -> tuple[pd.DataFrame, dict]:
        """links.csv rows (the accepted links inside one entity) and the pair counts."""
        from pyspark.sql import functions as F

        totals = scored.agg(
            F.count("*").alias("all"), F.sum(F.col("compared").cast("long")).alias("compared"),
            F.sum((F.col("weight") >= 0).cast("long")).alias("accepted")).first()
        rules = scored.where("compared").groupBy("rule").count().toPandas()
        by_rule = dict(zip(rules["rule"].astype(int), rules["count"].astype(int),
                           strict=True))
        accepted = collect(scored.where("compared and weight >= 0")
                           .select("left", "right", "probability", "evidence")
                           ).sort_values(["left", "right"], ignore_index=True)
        left, right = accepted["left"].to_numpy(), accepted["right"].to_numpy()
        kept = accepted[labels[left] == labels[right]]
        dept = self.frame["department"].astype(str).to_numpy()
        record = self.frame["record_id"].astype(str).to_numpy()
        links = pd.DataFrame({
            "department_l": dept[kept["left"]], "record_id_l": record[kept["left"]],
            "department_r": dept[kept["right"]], "record_id_r": record[kept["right"]],
            "score": kept["probability"].to_numpy(), "evidence": kept["evidence"].to_numpy()})
        counts = {"compared": int(totals["compared"] or 0),
                  "ruled_out": int(totals["all"] - (totals["compared"] or 0)),
                  "accepted": int(totals["accepted"] or 0),
                  "rules": {name: by_rule.get(i, 0) for i, name in enumerate(RULES)}}
        return links, counts
