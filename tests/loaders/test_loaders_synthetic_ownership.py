"""Generated shareholdings: rings of cross-holdings and persons owning a company through two
levels of holding companies exist, shares add up to at most 1, and the 市场监督管理局
relations source says what truth_relations.csv says."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.synthetic import generate


def _truth_shareholdings(generated) -> pd.DataFrame:
    truth = pd.read_csv(generated.parent / "truth_relations.csv", dtype={"share_ratio": float})
    return truth[truth["type"] == "shareholder"]


def test_rings_of_three_companies_hold_each_other(generated):
    held = _truth_shareholdings(generated)
    companies = held[held["from_true_id"].str.startswith("O")]
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(companies[["from_true_id", "to_true_id", "share_ratio"]]
                                  .itertuples(index=False))
    rings = [c for c in nx.simple_cycles(graph) if len(c) >= 3]
    assert len(rings) >= 3
    for ring in rings:
        shares = [graph[a][b]["weight"] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)]
        assert all(0 < s < 1 for s in shares)


def test_persons_own_companies_through_two_levels_of_holdings(generated):
    held = _truth_shareholdings(generated)
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(held[["from_true_id", "to_true_id", "share_ratio"]]
                                  .itertuples(index=False))
    found = []
    for person in (n for n in graph if n.startswith("P")):
        for first in graph.successors(person):
            for second in graph.successors(first):
                for target in graph.successors(second):
                    if len({first, second, target}) < 3:
                        continue
                    share = (graph[person][first]["weight"] * graph[first][second]["weight"]
                             * graph[second][target]["weight"])
                    if share >= 0.25:
                        found.append((person, target, share))
    assert len({(p, t) for p, t, _ in found}) >= 2
    # no company is more than fully owned
    assert held.groupby("to_true_id")["share_ratio"].sum().max() <= 1 + 1e-9


def test_market_regulator_relations_match_truth(generated, generated_ingest):
    held = _truth_shareholdings(generated)
    orgs = generated_ingest.organizations
    truth_orgs = pd.read_csv(generated.parent / "truth_organizations.csv", dtype=str)
    samr = orgs[orgs["department"] == "市场监督管理局"].merge(
        truth_orgs, on=["department", "record_id"])
    code = dict(zip(samr["true_id"], samr["credit_code"], strict=True))
    rel = generated_ingest.relations
    rel = rel[(rel["department"] == "市场监督管理局") & (rel["type"] == "shareholder")]
    assert len(rel) == len(held)
    by_company = held["from_true_id"].str.startswith("O")
    truth_edges = sorted(zip(held["from_true_id"][by_company].map(code),
                             held["to_true_id"][by_company].map(code),
                             held["share_ratio"][by_company].round(3), strict=True))
    from_company = rel["from_id"].isin(set(code.values()))
    loaded_edges = sorted(zip(rel["from_id"][from_company], rel["to_id"][from_company],
                              rel["share_ratio"][from_company].astype(float).round(3),
                              strict=True))
    assert truth_edges == loaded_edges
    truth_people = sorted(zip(held["to_true_id"][~by_company].map(code),
                              held["share_ratio"][~by_company].round(3), strict=True))
    loaded_people = sorted(zip(rel["to_id"][~from_company],
                               rel["share_ratio"][~from_company].astype(float).round(3),
                               strict=True))
    assert truth_people == loaded_people


@pytest.mark.parametrize("organizations", [1, 4, 7])
def test_few_organisations_get_as_many_structures_as_fit(tmp_path, organizations):
    for seed in (1, 2, 3):
        spec = generate(tmp_path / str(seed), persons=20, organizations=organizations,
                        seed=seed, formats="fast")
        result = ingest(load_spec(spec), progress=False)
        assert result.report["totals"]["read"] == result.report["totals"]["loaded"] + \
            result.report["totals"]["quarantined"]
        held = _truth_shareholdings(spec)
        companies = held[held["from_true_id"].str.startswith("O")]
        graph = nx.DiGraph(list(zip(companies["from_true_id"], companies["to_true_id"],
                                    strict=True)))
        rings = [c for c in nx.simple_cycles(graph) if len(c) == 3]
        assert len(rings) >= min(3, organizations // 3)
        assert held.groupby("to_true_id")["share_ratio"].sum().max() <= 1 + 1e-9
