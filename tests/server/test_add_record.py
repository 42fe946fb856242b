"""Adding records, over HTTP (``POST /records`` on a running ``kglink serve``) and from
Python (``kglink.Resolver.add_record``): records held back from a load are added one by one,
and a batch re-run over all the sources then agrees with the graph entity for entity, id
for id, and records no merge or split. The held-back records would include every record
that alone bridges two parts of an entity (an articulation point of its accepted links);
this load has none, so a merge is made by hand: two unrelated records, then a third that
has the first one's name, birth date and phone and the second one's ID number."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import pytest

import kglink
from graph.admin import reset_database
from graph.store.interests import interest_kinds
from graph.store.previous import read_previous_clusters
from linking.entity_ids import fresh_id
from loaders.fields import FIELDS
from loaders.synthetic.generate import generate
from loaders.synthetic.holdout import bridge_records, hold_back


def as_record(row: pd.Series) -> dict:
    """An ingested person row as a service would send it: canonical fields and its key."""
    fields = ("department", "record_id", *FIELDS["person"])
    return {f: row[f] for f in fields if f in row.index and not pd.isna(row[f])}


def assignment(frame: pd.DataFrame) -> dict[str, str]:
    keys = frame["department"].astype(str) + ":" + frame["record_id"].astype(str)
    return dict(zip(keys, frame["entity_id"].astype(str), strict=True))


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """The full sources, a copy without the held-back person rows, and those rows."""
    root = tmp_path_factory.mktemp("add-record")
    spec = generate(root / "full", persons=300, organizations=60, seed=5, formats="fast")
    ingested = kglink.ingest(spec)
    persons = ingested.persons.astype({"department": str, "record_id": str})
    keys = persons["department"] + ":" + persons["record_id"]
    held = persons[keys.isin(bridge_records(kglink.link(ingested, judgments=()).links))
                   | keys.isin(keys.sample(25, random_state=3))]
    hold_back(root / "full", root / "reduced", held)
    return spec, root / "reduced" / "SOURCES.yaml", held


@dataclass
class Loaded:
    driver: object
    database: str


@pytest.fixture(scope="module")
def seeded(neo4j_target, sources) -> Loaded:
    """The graph the served resolver starts from: the load without the held-back rows
    (this module's ``server`` fixture serves it)."""
    driver, database = neo4j_target
    reset_database(driver, database)
    kglink.run(sources[1], driver=driver, database=database, judgments=())
    return Loaded(driver, database)


def interests_and_relationships(driver, database: str) -> tuple[list[str], list[str]]:
    """The keys of the interests whose holder and company are the ends their key names, and
    of the relationships that must have an interest (both sorted)."""
    held = driver.execute_query(
        "MATCH (a)-[:HOLDS_INTEREST]->(s)-[:INTEREST_IN]->(b) "
        "RETURN s.interest_id AS k, a.entity_id AS a, b.entity_id AS b ORDER BY k",
        database_=database).records
    bearing = driver.execute_query(
        "MATCH (a)-[x]->(b) WHERE type(x) IN $types "
        "RETURN a.entity_id + '|' + type(x) + '|' + b.entity_id AS k ORDER BY k",
        types=list(interest_kinds()), database_=database).records
    return ([r["k"] for r in held if r["k"].split("|")[::2] == [r["a"], r["b"]]],
            [r["k"] for r in bearing])


def post_record(server, row: pd.Series) -> dict:
    record = as_record(row)
    response = server.post("/records", key="service", json={
        "entity": "person", "department": record.pop("department"),
        "record_id": record.pop("record_id"), "record": record})
    assert response.status_code == 200, response.text
    return response.json()


def test_added_records_agree_with_a_batch_rerun(server, seeded, sources):
    driver, database = seeded.driver, seeded.database
    full, _, held = sources
    added = [post_record(server, row) for _, row in held.iterrows()]
    outcomes = pd.Series([a["outcome"] for a in added]).value_counts().to_dict()
    # this load's entities are cliques of accepted links (no record alone bridges two
    # parts of one), so every held-back record joins an entity or starts one
    assert bridge_records(kglink.link(kglink.ingest(full), judgments=()).links) == set()
    assert outcomes == {"joined": 24, "new": 1}
    # relationships moved to the entities records joined; each still has its interest
    held_interests, bearing = interests_and_relationships(driver, database)
    assert held_interests == bearing and len(bearing) == 248
    graph = assignment(read_previous_clusters(driver, database))
    rerun = kglink.run(full, driver=driver, database=database, judgments=())
    assert assignment(rerun.linked.clusters) == graph
    assert (rerun.summary.merges, rerun.summary.splits) == (0, 0)
    served = f"kglink serve: resolving against load {rerun.batch}"
    deadline = time.monotonic() + 120  # the server notices the load and rebuilds its index
    while served not in (server.home / "serve.log").read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, (server.home / "serve.log").read_text()
        time.sleep(0.5)


def valid_id(body17: str) -> str:
    from loaders.standardise.idcard import check_char

    return body17 + check_char(body17)


def test_a_record_that_bridges_two_entities_merges_them(server, seeded):
    number = valid_id("43010219620517031")
    # A: a name, birth date, sex and phone; B: an ID number and an address, nothing in
    # common with A
    a = {"department": "卫健委", "record_id": "WJ-BRIDGE-A", "name": "欧阳明轩",
         "birth_date": "1962-05-17", "sex": "男", "phone": "13977770001"}
    b = {"department": "公安厅户籍", "record_id": "GA-BRIDGE-B", "id_number": number,
         "address": "湖南省长沙市岳麓区麓山南路9号"}
    c = {"department": "税务局", "record_id": "SW-BRIDGE-C", "name": "欧阳明轩",
         "birth_date": "1962-05-17", "sex": "男", "phone": "13977770001",
         "id_number": number}
    first = [post_record(server, pd.Series(r)) for r in (a, b)]
    assert [f["outcome"] for f in first] == ["new", "new"]
    # C has A's name, birth date and phone and B's valid ID number: one person
    bridged = post_record(server, pd.Series(c))
    survivor, retired = sorted(f["entity_id"] for f in first)
    assert (bridged["outcome"], bridged["entity_id"]) == ("merged", survivor)
    assert [(e["type"], e["entity_id"], e["merged_from"]) for e in bridged["events"]] == [
        ("merge", survivor, [retired])]
    history = server.get(f"/entities/{survivor}/how").json()
    assert bridged["events"][0]["event_id"] in {e["event_id"] for e in history["events"]}
    assert {r["record"] for r in history["records"]} == {
        "卫健委:WJ-BRIDGE-A", "公安厅户籍:GA-BRIDGE-B", "税务局:SW-BRIDGE-C"}
    assert server.get(f"/entities/{retired}").status_code == 404


def test_a_record_like_no_other_is_a_new_entity(seeded):
    driver, database = seeded.driver, seeded.database
    record = {"department": "卫健委", "record_id": "WJ-NEW-1", "name": "欧阳翠花",
              "birth_date": "1931-02-03", "sex": "女", "phone": "13900000001"}
    with kglink.Resolver(driver=driver, database=database) as resolver:
        added = resolver.add_record(record)
        assert (added.outcome, added.entity_id, added.touched, added.events) == (
            "new", fresh_id("person", "卫健委:WJ-NEW-1"), [], [])
        found = resolver.resolve({"name": "欧阳翠花", "birth_date": "1931-02-03"})
        assert (found[0].entity_id, found[0].record, found[0].match) == (
            added.entity_id, "卫健委:WJ-NEW-1", True)
        with pytest.raises(ValueError, match="^record 卫健委:WJ-NEW-1 is already in the graph"):
            resolver.add_record(record)
        with pytest.raises(ValueError, match="^a record to add needs a record_id$"):
            resolver.add_record({"department": "卫健委", "name": "欧阳翠花"})
        with pytest.raises(ValueError, match="^record 0: unknown person field"):
            resolver.add_record({"department": "卫健委", "record_id": "X", "nmae": "x"})
    entity = driver.execute_query(
        "MATCH (r:SourceRecord {record_key: $key})-[:REFERS_TO]->(e:NaturalPerson) "
        "RETURN e.entity_id AS id, e.name AS name, r.source AS source",
        key="卫健委:WJ-NEW-1", database_=database).records
    assert [(r["id"], r["name"], r["source"]) for r in entity] == [
        (fresh_id("person", "卫健委:WJ-NEW-1"), "欧阳翠花", "add_record")]
