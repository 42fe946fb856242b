"""Mining on the known graph: results written back to Neo4j and reported."""

from __future__ import annotations

import pytest

from graph import mining


def entity_props(graph, *keys):
    driver, database = graph
    records, _, _ = driver.execute_query(
        "MATCH (e) WHERE e.entity_id IS NOT NULL RETURN e.entity_id AS id, "
        + ", ".join(f"e.{k} AS {k}" for k in keys), database_=database)
    return {r["id"]: tuple(r[k] for k in keys) for r in records}


def test_communities_written_back(known_graph):
    report = mining.communities(*known_graph)
    assert report.written == 14
    found = entity_props(known_graph, "community_id", "community_size")
    assert all(v[0] is not None for v in found.values())
    # the two-company ring is its own community; a community's size is its member count
    assert found["C-0008"][0] == found["C-0009"][0] != found["P-0005"][0]
    assert found["C-0008"][1] == 2
    sizes = {}
    for cid, size in found.values():
        sizes.setdefault(cid, []).append(size)
    assert all(len(v) == v[0] for v in sizes.values())
    assert report.summary["communities"] == len(sizes)
    assert sorted(len(v) for v in sizes.values())[0] == 2


def test_centrality_written_back(known_graph):
    report = mining.centrality(*known_graph)
    found = entity_props(known_graph, "degree", "pagerank", "betweenness")
    assert {k: v[0] for k, v in found.items()} == {
        "P-0001": 5, "P-0002": 5, "P-0003": 4, "P-0004": 2, "P-0005": 2,
        "C-0001": 5, "C-0002": 5, "C-0003": 4, "C-0004": 2, "C-0005": 3, "C-0006": 3,
        "C-0007": 2, "C-0008": 2, "C-0009": 2}
    assert sum(v[1] for v in found.values()) == pytest.approx(1.0, abs=1e-4)
    assert found["C-0008"][2] == 0.0 and found["C-0003"][2] > 0.3
    assert report.rows[0][0] == "P-0001"  # highest PageRank first


def test_risk_indicators(known_graph):
    report = mining.risk(*known_graph)
    found = entity_props(known_graph, "risk_score", "risk_flags")
    assert found == {
        "C-0001": (1.0, ["shared_contact"]), "C-0002": (1.0, ["shared_contact"]),
        "C-0003": (1.0, ["shared_contact"]), "C-0004": (1.0, ["shared_contact"]),
        "C-0005": (4.0, ["shared_contact", "circular_ownership"]),
        "C-0006": (4.0, ["shared_contact", "circular_ownership"]),
        "C-0007": (3.0, ["circular_ownership"]), "C-0008": (3.0, ["circular_ownership"]),
        "C-0009": (3.0, ["circular_ownership"]),
        "P-0001": (3.0, ["shared_contact", "multi_role"]), "P-0002": (0.0, []),
        "P-0003": (2.0, ["multi_role"]), "P-0004": (1.0, ["shared_contact"]),
        "P-0005": (0.0, [])}
    assert report.summary["flagged"] == 12 and report.summary["shared_contact_groups"] == 4


def test_regions_macro_view(known_graph):
    driver, database = known_graph
    report = mining.regions(driver, database)
    records, _, _ = driver.execute_query(
        "MATCH (d:AdministrativeDivision) RETURN d.code AS code, d.company_count AS c, "
        "d.person_count AS p, d.reg_capital_total AS k, d.cross_division_links AS x",
        database_=database)
    assert {r["code"]: (r["c"], r["p"], r["k"], r["x"]) for r in records} == {
        "330000": (9, 5, 2400.0, 0), "330100": (4, 3, 1600.0, 13),
        "330106": (2, 3, 1500.0, 13), "330200": (5, 2, 800.0, 13),
        "330203": (5, 2, 800.0, 13)}
    industry = report.details["industry"]
    province = industry[industry["code"] == "330000"].set_index("industry")
    assert province.loc["制造业", "companies"] == 2
    assert province.loc["租赁和商务服务业", "reg_capital"] == 300.0
    assert report.written == 5


def test_no_write_leaves_graph_unchanged(known_graph):
    driver, database = known_graph
    driver.execute_query("MATCH (e:LegalPerson {entity_id: 'C-0001'}) REMOVE e.risk_score",
                         database_=database)
    report = mining.risk(driver, database, write=False)
    assert report.written == 0
    assert entity_props(known_graph, "risk_score")["C-0001"] == (None,)
