"""The Spark engine resolves exactly as the local engine: FEBRL4 (two files linked) and the
generator's six departments (persons and organisations), fitted on Spark (with and without
judgments) and with a saved model."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kglink import api
from linking.evaluation import pairwise_scores

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

KEY = ["department", "record_id"]
COUNTED = ("records", "blocking", "candidate_pairs", "pairs_ruled_out_different_valid_ids",
           "pairs_compared", "accepted_links", "links_written", "entities", "entity_sizes",
           "rules", "clustering")


def spark_vs_local_f1(spark_clusters: pd.DataFrame, local_clusters: pd.DataFrame) -> float:
    """Pairwise F1 of the Spark clusters taking the local ones as the truth."""
    truth = local_clusters.rename(columns={"entity_id": "true_id"})
    return pairwise_scores(spark_clusters, truth)[2]


def assert_same_linking(local, on_spark) -> None:
    """Same entity id for every record, the same links with the same scores and evidence,
    the same counts at every step."""
    assert len(on_spark.clusters) == len(local.clusters)
    assert not on_spark.clusters.duplicated(KEY).any()
    merged = local.clusters.merge(on_spark.clusters, on=[*KEY, "entity_type"], how="outer",
                                  suffixes=("_local", "_spark"), validate="1:1")
    assert (merged["entity_id_local"] == merged["entity_id_spark"]).all()
    assert spark_vs_local_f1(on_spark.clusters, local.clusters) == 1.0
    pd.testing.assert_frame_equal(on_spark.links.reset_index(drop=True),
                                  local.links.reset_index(drop=True), check_dtype=False)
    for kind, stats in local.stats.items():
        assert {k: on_spark.stats[kind][k] for k in COUNTED} == {k: stats[k] for k in COUNTED}


def assert_same_model(local, on_spark) -> None:
    """The model fitted from Spark's aggregates is the local engine's fit: the same EM
    over the same pattern counts, the same u, and the prior summed in another order."""
    for kind, model in local.models.models.items():
        fitted = on_spark.models.models[kind]
        assert fitted.training["fitted_on"] == "spark"
        for key in ("method", "iterations", "candidate_pairs", "random_pairs",
                    "all_record_pairs"):
            assert fitted.training[key] == model.training[key]
        for ours, theirs in zip(fitted.comparisons, model.comparisons, strict=True):
            assert ours.labels == theirs.labels
            np.testing.assert_array_equal(ours.m, theirs.m)
            np.testing.assert_array_equal(ours.u, theirs.u)
        assert fitted.prior == pytest.approx(model.prior, rel=1e-12)


@pytest.fixture(scope="module")
def febrl4(tmp_path_factory):
    from generality_data import prepare

    work = Path(prepare("febrl4", str(tmp_path_factory.mktemp("febrl4") / "data")))
    return api.ingest(work / "SOURCES.yaml"), pd.read_csv(work / "truth.csv", dtype=str)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from loaders.synthetic.generate import generate

    spec = generate(tmp_path_factory.mktemp("generated"), persons=2000, organizations=400,
                    seed=7)
    truth = pd.concat([pd.read_csv(spec.parent / f"truth_{kind}.csv", dtype=str)
                       for kind in ("persons", "organizations")], ignore_index=True)
    return api.ingest(spec), truth


def test_febrl4_spark_equals_local(spark, febrl4):
    ingested, truth = febrl4
    local = api.link(ingested, judgments=())
    on_spark = api.link(ingested, judgments=(), engine="spark")
    assert_same_linking(local, on_spark)
    assert_same_model(local, on_spark)
    assert len(on_spark.clusters) == 10_000  # every record once
    assert round(pairwise_scores(on_spark.clusters, truth)[2], 4) == 0.9992
    assert list(on_spark.frames) == ["person_pairs"]


@pytest.fixture(scope="module")
def generated_local(generated):
    return api.link(generated[0], judgments=())


def test_generator_spark_equals_local(spark, generated, generated_local):
    ingested, truth = generated
    on_spark = api.link(ingested, judgments=(), engine="spark")
    assert_same_linking(generated_local, on_spark)
    assert_same_model(generated_local, on_spark)
    assert len(on_spark.clusters) == len(ingested.persons) + len(ingested.organizations)
    # one true pair apart: 邱秀林 (a typo of 邱秀兰) at her home, where co-residents' names
    # are one character apart often (siblings' generation names), stays her own entity
    assert round(pairwise_scores(on_spark.clusters, truth)[2], 4) == 0.9999
    assert on_spark.stats["person"]["model"]["refitted"]


def test_generator_saved_model_applied_on_spark(spark, generated, generated_local):
    applied = api.link(generated[0], judgments=(), engine="spark",
                       models=generated_local.models)
    assert not applied.stats["person"]["model"]["refitted"]
    assert not applied.stats["organization"]["model"]["refitted"]
    assert_same_linking(generated_local, applied)


def test_judgments_obeyed_on_spark_as_locally(spark, generated, generated_local):
    ingested = generated[0]
    clusters = generated_local.clusters[generated_local.clusters["entity_type"] == "person"]
    keys = clusters["department"] + ":" + clusters["record_id"]
    sizes = clusters["entity_id"].map(clusters["entity_id"].value_counts())
    big = clusters[sizes >= 2]["entity_id"].iloc[0]
    split = keys[clusters["entity_id"] == big].iloc[:2].tolist()
    joined = [keys.iloc[0], keys[clusters["entity_id"] != clusters["entity_id"].iloc[0]]
              .iloc[0]]
    judgments = [("different", *split), ("same", *joined)]
    local = api.link(ingested, judgments=judgments)
    on_spark = api.link(ingested, judgments=judgments, engine="spark")
    assert_same_linking(local, on_spark)
    assert_same_model(local, on_spark)  # the judged-same pair is a sure match in the prior
    ids = dict(zip(keys, on_spark.clusters.set_index(KEY).loc[
        list(zip(clusters["department"], clusters["record_id"], strict=True)),
        "entity_id"], strict=True))
    assert ids[split[0]] != ids[split[1]]
    assert ids[joined[0]] == ids[joined[1]]
    assert on_spark.stats["person"]["judgments_applied"] == {"same": 1, "different": 1}
