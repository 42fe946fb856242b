"""kglink.Resolver over the graph: ``how`` (an entity's merges, splits and records) after a
second load joins two records of two entities by a human judgment; no model, no resolver."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import kglink
from loaders.synthetic.generate import generate


def test_how_shows_the_merge_a_judgment_made(graph_db, tmp_path, monkeypatch):
    from linking.judgments import JudgmentStore

    monkeypatch.setenv("KGLINK_JUDGMENTS", str(tmp_path / "judgments.jsonl"))
    driver, database = graph_db
    spec = generate(tmp_path, persons=60, organizations=12, formats="fast")
    first = kglink.run(spec, driver=driver, database=database, judgments=())
    clusters = first.linked.clusters
    persons = clusters[clusters["entity_type"] == "person"].drop_duplicates("entity_id")
    a, b = persons.iloc[0], persons.iloc[1]
    key_a, key_b = (f"{r['department']}:{r['record_id']}" for r in (a, b))
    kglink.run(spec, driver=driver, database=database, judgments=[("same", key_a, key_b)])
    with kglink.Resolver(driver=driver, database=database) as resolver:
        why = resolver.why(key_a, key_b)
        # the model's view (two valid ids differ); the graph holds the judged merge
        assert (why["same_entity"], why["match"], why["evidence"]["rule"]) == (
            True, False, "different_valid_ids")
        assert why["judgment"] is None  # the run's judgment was passed in, not logged
        JudgmentStore().add("different", key_b, key_a, who="test")
        assert resolver.why(key_a, key_b)["judgment"] == "different"
        survivor = why["entity_ids"][0]
        olds = sorted([a["entity_id"], b["entity_id"]])
        assert survivor not in olds  # the two records left their entities for a new one
        how = resolver.how(survivor)
        assert how["merged_from"] == olds
        events = sorted((e["kind"], e["entity_id"], e["merged_from"] or [],
                         e["split_into"] or []) for e in how["events"])
        assert events == [("MergeEvent", survivor, olds, []),
                          *[("SplitEvent", old, [], sorted([old, survivor])) for old in olds]]
        merge = next(e for e in how["events"] if e["kind"] == "MergeEvent")
        assert json.loads(merge["reason"])["evidence"]["rule"] == "judgment_same"
        assert sorted(r["record"] for r in how["records"]) == sorted([key_a, key_b])
        left = resolver.how(olds[0])  # it keeps its other records: split, and merged from
        assert sorted(e["kind"] for e in left["events"]) == ["MergeEvent", "SplitEvent"]
        assert key_a not in [r["record"] for r in left["records"]] + [
            r["record"] for r in resolver.how(olds[1])["records"]]
        stored = first.ingested.persons.astype(object).iloc[0]
        assert f"{stored['department']}:{stored['record_id']}" == key_a
        fields = {f: stored[f] for f in ("name", "birth_date", "phone", "address")
                  if not pd.isna(stored[f])}
        # through the kglink facade: the new entity holds the record itself, the old one
        # the record's twins from other departments
        found = {c.entity_id: (c.record, c.match) for c in resolver.resolve(fields)}
        assert found[survivor] == (key_a, True)
        assert found[a["entity_id"]][1] is True
        with pytest.raises(KeyError, match="no entity 'P0' in the graph"):
            resolver.how("P0")


def test_an_empty_graph_has_no_model_to_resolve_with(graph_db):
    driver, database = graph_db
    with pytest.raises(ValueError, match=r"^the graph keeps no link model yet: load it first "
                                         r"\(kglink run SOURCES.yaml\)$"):
        kglink.Resolver(driver=driver, database=database)
    driver.verify_connectivity()  # a driver the caller gave stays open
