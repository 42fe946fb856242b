"""Evidence groups: a household's address, postcode, city, region, province and phone are one
piece of evidence, not six. Hand-computed weights; the default groups, the YAML override and
model.json; and a family sharing a home and a phone that must stay apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linking.em import combine_dependent, fit_em, specificity
from linking.engine import link
from linking.model import ModelSet
from linking.model_report import model_table
from linking.prepare import prepare
from linking.settings import default_settings, load_settings


def test_a_group_counts_its_strongest_agreement_and_finer_disagreements():
    # columns: name, address (most specific), postcode, city (least); group = 1, 2, 3
    specific = np.array([5.0, 12.0, 9.0, 6.0])
    bits = np.array([
        [-3.0, 10.0, 9.0, 8.0],   # one home: the address alone counts
        [-3.0, -7.0, 9.0, 8.0],   # another home in the same postcode: +9, and -7
        [-3.0, 10.0, 9.0, -4.0],  # the same home, the city misspelt: no evidence against
        [2.0, -7.0, -6.0, -5.0],  # nothing agrees: the strongest disagreement
        [2.0, 0.0, 0.0, 0.0],     # nothing known
    ])
    assert combine_dependent(bits, [[1, 2, 3]], specific).tolist() == [
        [-3.0, 10.0, 0.0, 0.0],
        [-3.0, -7.0, 9.0, 0.0],
        [-3.0, 10.0, 0.0, 0.0],
        [2.0, -7.0, 0.0, 0.0],
        [2.0, 0.0, 0.0, 0.0],
    ]
    assert combine_dependent(bits, [], specific).tolist() == bits.tolist()
    # specificity ranks fields by how rarely random records agree exactly: -log2 u(top)
    assert specificity([np.array([0.75, 0.25]), np.array([0.875, 0.125])]).tolist() == [2, 3]


def test_em_posteriors_count_the_group_once():
    # two comparisons that agree together (one home) and a third that tells people apart:
    # 900 co-residents differ on it, 100 matches agree
    u = [np.array([0.99, 0.01])] * 3
    patterns = np.array([[1, 1, 0], [1, 1, 1], [0, 0, 0], [0, 0, 1]], dtype=np.int8)
    counts = np.array([900.0, 100.0, 9000.0, 10.0])
    apart = fit_em(patterns, counts, [2, 2, 2], u_fixed=u, max_iter=1)
    grouped = fit_em(patterns, counts, [2, 2, 2], u_fixed=u, max_iter=1, groups=[[0, 1]])
    # the home counted twice draws the co-residents into the match class more than once
    assert round(apart.lam, 4) == 0.1004 and round(grouped.lam, 4) == 0.0724
    assert round(apart.m[2][0], 4) == 0.8974 and round(grouped.m[2][0], 4) == 0.8529


def test_default_groups_follow_the_compared_fields(tmp_path):
    frame = prepare(pd.DataFrame({
        "department": ["A", "B"], "record_id": ["1", "2"], "name": ["ann lee", "ann li"],
        "address": ["1 high st", "1 high st"], "postcode": ["AB1", "AB2"],
        "city": ["york", "leeds"], "phone": ["0123", "0456"]}), "person")
    es = default_settings("person", frame)
    assert es.evidence_groups == (("address", "postcode", "city", "phone"),)
    fields = [c.field for c in es.comparisons]
    assert es.group_indices() == [[fields.index(f) for f in ("address", "postcode", "city",
                                                             "phone")]]
    path = tmp_path / "settings.yaml"
    path.write_text("person:\n  evidence_groups: [[address, postcode], [phone, email]]\n",
                    encoding="utf-8")
    es = load_settings(path).for_entity("person", frame)
    assert es.evidence_groups == (("address", "postcode"), ("phone", "email"))
    # email is not compared here: a group of one compared field is no group
    assert es.group_indices() == [[fields.index("address"), fields.index("postcode")]]
    path.write_text("person:\n  evidence_groups: [address, postcode]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="evidence_groups"):
        load_settings(path).for_entity("person", frame)


FAMILY = [  # one household: a home and a phone shared, names and birth dates their own
    ("1", "Denis Stewart", "1946-10-04"), ("2", "Denis Stewart", "1946-10-04"),
    ("3", "Jenna Stewart", "1957-12-17"), ("4", "Jenna Stewart", "1957-12-17"),
    ("5", "Dawn Stewart", "1994-07-27"), ("6", "Dawn Stewart", "1994-07-27"),
]


def households(n: int = 400) -> pd.DataFrame:
    """``n`` three-person households, each person twice, plus the one above."""
    rng = np.random.default_rng(3)
    given = ["anna", "ben", "carl", "dora", "emil", "fay", "gus", "hana", "ivan", "jo"]
    rows = [("F", rid, name, birth, "Flat 4, Holly Overpass", "PE36 3NJ", "West Sam",
             "+44 20 7496 0596") for rid, name, birth in FAMILY]
    for h in range(n):
        family = f"fam{h}"
        for p in range(3):
            name = f"{given[rng.integers(10)]}{p} {family}"
            birth = f"{1940 + rng.integers(60)}-0{1 + rng.integers(9)}-1{rng.integers(10)}"
            for copy in range(2):
                rows.append(("F", f"h{h}p{p}c{copy}", name, birth, f"{h} main street",
                             f"P{h:04d}", f"town{h % 50}", f"0700{h:06d}"))
    return pd.DataFrame(rows, columns=["department", "record_id", "name", "birth_date",
                                       "address", "postcode", "city", "phone"])


def link_persons(persons: pd.DataFrame):
    """``linking.engine.link`` over person rows alone (what ingest would hand it)."""

    class Ingested:
        pass

    ingested = Ingested()
    ingested.persons, ingested.organizations, ingested.relations = persons, None, None
    return link(ingested, judgments=(), progress=False)


def test_a_family_sharing_a_home_and_a_phone_stays_apart(tmp_path):
    persons = households()
    linked = link_persons(persons)
    entity = dict(zip(linked.clusters["record_id"], linked.clusters["entity_id"],
                      strict=True))
    stewarts = [entity[rid] for rid, _, _ in FAMILY]
    # each person's two records are one entity; the three people are three
    assert stewarts[0] == stewarts[1] and stewarts[2] == stewarts[3] \
        and stewarts[4] == stewarts[5]
    assert len(set(stewarts)) == 3
    assert linked.clusters.groupby("entity_id").size().max() == 2
    model = linked.models.get("person")
    assert model.settings.evidence_groups == (("address", "postcode", "city", "phone"),)
    # the grouped weights survive model.json
    path = ModelSet({"person": model}).save(tmp_path / "model.json")
    again = ModelSet.load(path).get("person")
    assert again.settings.evidence_groups == model.settings.evidence_groups
    explained = model.explain(persons.iloc[0], persons.iloc[2])["cmp"]
    counted = [f for f in ("address", "postcode", "city", "phone") if explained[f][1] != 0]
    assert len(counted) == 1  # one shared home and line: one piece of evidence
    assert again.explain(persons.iloc[0], persons.iloc[2]) == \
        model.explain(persons.iloc[0], persons.iloc[2])
    # kglink model show says so
    shown = model_table(ModelSet({"person": model}).as_dict()).splitlines()
    assert "  one piece  address / postcode / city / phone  (their strongest agreement " \
        "counts, not the sum)" in shown



def namesake_households(n: int = 400) -> pd.DataFrame:
    """``n`` three-person households whose members draw given names from a pool of ten,
    so co-residents share a whole name about one time in ten; each person twice (record
    ids h<household>p<person>c<copy>). One of them is a father and his son of one name."""
    rng = np.random.default_rng(5)
    given = ["anna", "ben", "carl", "dora", "emil", "fay", "gus", "hana", "ivan", "jo"]
    people = [("s", p, name, birth, sex) for p, (name, birth, sex) in enumerate(
        [("denis stewart", "1946-10-04", "M"), ("jenna stewart", "1957-12-17", "F"),
         ("denis stewart", "1974-03-22", "M")])]
    for h in range(n):
        for p in range(3):
            birth = f"{1940 + rng.integers(60)}-0{1 + rng.integers(9)}-1{rng.integers(10)}"
            people.append((h, p, f"{given[rng.integers(10)]} fam{h}", birth,
                           "MF"[rng.integers(2)]))
    rows = [("F", f"h{h}p{p}c{copy}", name, birth, sex, f"{h} main street", f"P{h}",
             f"town {h}", f"0700{h}") for h, p, name, birth, sex in people
            for copy in range(2)]
    return pd.DataFrame(rows, columns=["department", "record_id", "name", "birth_date",
                                       "sex", "address", "postcode", "city", "phone"])


def test_co_residents_of_one_name_stay_apart(tmp_path):
    persons = namesake_households()
    linked = link_persons(persons)
    entity = linked.clusters.set_index("record_id")["entity_id"]
    person = persons["record_id"].str.rsplit("c", n=1).str[0]
    # every person's two records are one entity, and no entity holds two persons
    assert entity[persons["record_id"]].groupby(person.to_numpy()).nunique().max() == 1
    assert person.groupby(entity[persons["record_id"]].to_numpy()).nunique().max() == 1
    model = linked.models.get("person")
    name = model.comparisons[[c.spec.field for c in model.comparisons].index("name")]
    # how often two co-residents share a whole name is learnt from the non-matches of the
    # passes on the home (phone, address): far above two random people's chance
    at_home = name.u_agreeing[0]
    assert at_home[-1] > 50 * name.u[-1]
    father, son = persons.iloc[0], persons.iloc[4]
    explained = model.explain(father, son)
    tf = name.tf.adjustment(np.array(["denis stewart"]))[0]
    assert explained["cmp"]["name"] == ["exact", round(float(
        np.log2(name.m[-1] / at_home[-1]) + tf), 2)]
    # away from home the same two names weigh by the random-pair u
    moved = son.copy()
    moved[["address", "postcode", "city", "phone"]] = ["9 far lane", "Z9", "faraway", "099"]
    assert model.explain(father, moved)["cmp"]["name"] == ["exact", round(float(
        np.log2(name.m[-1] / name.u[-1]) + tf), 2)]
    again = ModelSet.load(ModelSet({"person": model}).save(tmp_path / "model.json")) \
        .get("person")
    assert again.explain(father, son) == explained
