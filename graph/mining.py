"""Cross-domain mining over the party graph (persons, companies and their relations).

``communities`` (Leiden, modularity), ``centrality`` (degree, PageRank, betweenness), ``risk``
(indicators an investigator wants: shared contacts, many roles, circular holdings) and
``regions`` (the macro view by administrative division and industry). Each reads what it
needs from Neo4j in read transactions (whole columns at once), computes with pandas and
igraph (C; networkx's pure-Python Louvain / PageRank / betweenness take minutes each on a
million entities), writes its results back as properties in batched ``UNWIND`` write
transactions and returns a ``MiningReport``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graph import regions as rg
from graph.client import read, write_batches
from graph.cypher_names import quote
from ontology.schema import division_levels, party_relationships
from ontology.schema import labels as L
from ontology.schema import props as P
from ontology.schema import rels as R

if TYPE_CHECKING:
    import igraph
    from neo4j import Driver

BATCH = 10_000
RISK_WEIGHTS = {"shared_contact": 1.0, "multi_role": 2.0, "circular_ownership": 3.0}


@dataclass
class MiningReport:
    """What a mining run found: a headline summary and a table of the top rows."""

    kind: str
    summary: dict[str, Any]
    columns: list[str]
    rows: list[list[Any]]
    written: int = 0  # nodes updated in Neo4j
    details: dict[str, pd.DataFrame] = field(default_factory=dict)


# ---- reading -------------------------------------------------------------------------------

def _read_rows(driver: Driver, database: str, cypher: str, columns: list[str],
               **params: Any) -> pd.DataFrame:
    """A frame from a query ending ``RETURN collect([...]) AS rows``: one record of lists
    decodes several times faster than a record per row (1.7M relationships in ~20 s)."""
    records = read(driver, database, cypher, params)
    rows = records[0]["rows"] if records else []
    return pd.DataFrame(rows, columns=columns)


def party_nodes(driver: Driver, database: str) -> pd.DataFrame:
    """Every person and company: ``entity_id``, ``label``, ``name``."""
    frames = [_read_rows(driver, database,
                         f"MATCH (e:{quote(label)}) "
                         f"RETURN collect([e.{quote(P.entity_id)}, e.{quote(P.name)}]) AS rows",
                         ["entity_id", "name"]).assign(label=label)
              for label in (L.NaturalPerson, L.LegalPerson)]
    frame = pd.concat([f for f in frames if not f.empty]
                      or [pd.DataFrame(columns=["entity_id", "name", "label"])],
                      ignore_index=True)
    return frame[["entity_id", "label", "name"]].sort_values("entity_id", ignore_index=True)


def party_edges(driver: Driver, database: str) -> pd.DataFrame:
    """Every relationship between parties: ``source``, ``target``, ``type``, ``share_ratio``
    (read one relationship type at a time)."""
    frames = [_read_rows(driver, database,
                         f"MATCH (a)-[r:{quote(rel)}]->(b) RETURN collect([a.{quote(P.entity_id)}, "
                         f"b.{quote(P.entity_id)}, r.{quote(P.share_ratio)}]) AS rows",
                         ["source", "target", "share_ratio"]).assign(type=rel)
              for rel in party_relationships()]
    for f in frames:
        f["share_ratio"] = pd.to_numeric(f["share_ratio"], errors="coerce").astype(float)
    frame = pd.concat([f for f in frames if not f.empty]
                      or [pd.DataFrame(columns=["source", "target", "share_ratio", "type"])],
                      ignore_index=True)
    return frame[["source", "target", "type", "share_ratio"]].dropna(
        subset=["source", "target"])


def _vertex_positions(nodes: pd.DataFrame, edges: pd.DataFrame
                      ) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """(entity id index, source rows, target rows) of the edges whose two ends are among
    ``nodes``: vertex i of an igraph built on ``nodes`` is row i."""
    index = pd.Index(nodes["entity_id"])
    a, b = index.get_indexer(edges["source"]), index.get_indexer(edges["target"])
    keep = (a >= 0) & (b >= 0)
    return index, a[keep], b[keep]


def undirected(nodes: pd.DataFrame, edges: pd.DataFrame) -> igraph.Graph:
    """A simple undirected igraph of the parties, vertex i = ``nodes`` row i (attribute
    ``name`` = entity id); edge ``weight`` counts the relationships between two parties."""
    import igraph

    index, a, b = _vertex_positions(nodes, edges)
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs, weight = np.unique(np.stack([lo, hi], axis=1), axis=0, return_counts=True)
    graph = igraph.Graph(n=len(index), edges=pairs.tolist(), directed=False)
    graph.vs["name"] = index.tolist()
    graph.es["weight"] = weight.astype(float).tolist()
    return graph


# ---- writing -------------------------------------------------------------------------------

def write_entity_properties(driver: Driver, database: str, frame: pd.DataFrame,
                            columns: list[str]) -> int:
    """Set ``columns`` (ontology property keys) on the entities of ``frame`` (with
    ``entity_id`` and ``label``), in batched write transactions. Returns nodes updated."""
    for column in columns:
        getattr(P, column)  # undeclared keys fail here
    sets = ", ".join(f"e.{quote(c)} = row.{c}" for c in columns)
    written = 0
    for label, part in frame.groupby("label"):
        cypher = (f"UNWIND $rows AS row MATCH (e:{quote(label)} "
                  f"{{{quote(P.entity_id)}: row.entity_id}}) SET {sets} RETURN count(e) AS n")
        rows = [{k: _native(v) for k, v in r.items()}
                for r in part[["entity_id", *columns]].to_dict("records")]
        written += sum(r["n"] for r in write_batches(driver, database, cypher, rows, BATCH))
    return written


def _native(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


# ---- communities ---------------------------------------------------------------------------

def communities(driver: Driver, database: str, write: bool = True, seed: int = 42,
                top: int = 10) -> MiningReport:
    """Leiden communities (modularity objective, Louvain's successor) of the party graph;
    writes ``community_id`` (0 = largest) and ``community_size`` on every person and
    company."""
    nodes, edges = party_nodes(driver, database), party_edges(driver, database)
    import random

    import igraph

    graph = undirected(nodes, edges)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        clustering = graph.community_leiden(objective_function="modularity", weights="weight",
                                            n_iterations=2) if graph.vcount() else []
    finally:
        igraph.set_random_number_generator(random)
    ids = nodes["entity_id"].to_numpy()
    ordered = sorted((sorted(ids[c]) for c in clustering), key=lambda c: (-len(c), c[0]))
    member = pd.DataFrame([(n, i, len(c)) for i, c in enumerate(ordered) for n in c],
                          columns=["entity_id", "community_id", "community_size"])
    frame = nodes.merge(member, on="entity_id", how="left")
    written = write_entity_properties(driver, database, frame,
                                      [P.community_id, P.community_size]) if write else 0
    modularity = (graph.modularity(clustering.membership, weights="weight")
                  if graph.ecount() else 0.0)
    rows = []
    degree = pd.Series(graph.degree(), index=ids)
    for i, members in enumerate(ordered[:top]):
        part = frame[frame["community_id"] == i]
        names = part.assign(d=part["entity_id"].map(degree))\
            .sort_values(["d", "entity_id"], ascending=[False, True])["name"].head(5)
        rows.append([i, len(members), int((part["label"] == L.NaturalPerson).sum()),
                     int((part["label"] == L.LegalPerson).sum()),
                     ", ".join(str(n) for n in names)])
    summary = {"entities": len(nodes), "relationships": len(edges),
               "communities": len(ordered),
               "communities_of_2_or_more": sum(1 for c in ordered if len(c) >= 2),
               "modularity": round(modularity, 4)}
    return MiningReport("communities", summary,
                        ["community_id", "size", "persons", "companies", "central_members"],
                        rows, written, {"members": frame})


# ---- centrality ----------------------------------------------------------------------------

def centrality(driver: Driver, database: str, write: bool = True, top: int = 10,
               exact_limit: int = 20_000, samples: int = 64, seed: int = 42) -> MiningReport:
    """Degree (relationship count), PageRank and betweenness (normalised like networkx);
    betweenness is exact up to ``exact_limit`` entities, beyond that estimated from the
    shortest paths of ``samples`` random sources scaled by n / samples (Brandes-Pich; exact
    betweenness is O(nodes x edges)). Written on every person and company."""
    nodes, edges = party_nodes(driver, database), party_edges(driver, database)
    graph = undirected(nodes, edges)
    n = graph.vcount()
    ids = nodes["entity_id"].to_numpy()
    degree = pd.concat([edges["source"], edges["target"]]).value_counts()
    pagerank = pd.Series(graph.pagerank(weights="weight") if n else [], index=ids, dtype=float)
    exact = n <= exact_limit
    if exact:
        raw = np.asarray(graph.betweenness(directed=False) if n else [], dtype=float)
    else:
        sources = np.random.default_rng(seed).choice(n, size=samples, replace=False)
        raw = np.asarray(graph.betweenness(directed=False, sources=sources.tolist()),
                         dtype=float) * (n / samples)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    between = pd.Series(raw * scale, index=ids, dtype=float)
    frame = nodes.assign(
        degree=nodes["entity_id"].map(degree).fillna(0).astype(int),
        pagerank=nodes["entity_id"].map(pagerank).fillna(0.0).round(6),
        betweenness=nodes["entity_id"].map(between).fillna(0.0).round(6))
    written = write_entity_properties(driver, database, frame,
                                      [P.degree, P.pagerank, P.betweenness]) if write else 0
    best = frame.sort_values(["pagerank", "entity_id"], ascending=[False, True]).head(top)
    rows = best[["entity_id", "label", "name", "degree", "pagerank", "betweenness"]]\
        .values.tolist()
    summary = {"entities": len(nodes), "relationships": len(edges),
               "betweenness": "exact" if exact else f"estimated from {samples} sources"}
    return MiningReport("centrality", summary,
                        ["entity_id", "label", "name", "degree", "pagerank", "betweenness"],
                        rows, written, {"scores": frame})


# ---- risk ----------------------------------------------------------------------------------

def shared_contact_groups(driver: Driver, database: str, edges: pd.DataFrame,
                          min_entities: int = 3) -> pd.DataFrame:
    """Groups of at least ``min_entities`` entities sharing a phone, an address or a legal
    representative: ``kind``, ``value``, ``entity_id`` (one row per member)."""
    frames = []
    for kind, one, many in (("phone", P.phone, P.phones), ("address", P.address, P.addresses)):
        values = _read_rows(driver, database,
                            f"MATCH (e) WHERE e:{quote(L.NaturalPerson)} "
                            f"OR e:{quote(L.LegalPerson)} UNWIND coalesce(e.{quote(many)}, []) "
                            f"+ coalesce([e.{quote(one)}], []) AS value "
                            f"WITH DISTINCT e.{quote(P.entity_id)} AS entity_id, value "
                            "WHERE value IS NOT NULL AND value <> '' "
                            "RETURN collect([entity_id, value]) AS rows", ["entity_id", "value"])
        if not values.empty:
            frames.append(values.assign(kind=kind))
    reps = edges[edges["type"] == R.LEGAL_REPRESENTATIVE_OF]
    if not reps.empty:
        frames.append(pd.DataFrame({"entity_id": reps["target"], "value": reps["source"],
                                    "kind": "legal_representative"}))
    if not frames:
        return pd.DataFrame(columns=["kind", "value", "entity_id"])
    members = pd.concat(frames, ignore_index=True).drop_duplicates()
    size = members.groupby(["kind", "value"])["entity_id"].transform("nunique")
    return members[size >= min_entities][["kind", "value", "entity_id"]]


def risk(driver: Driver, database: str, write: bool = True, top: int = 20,
         min_shared: int = 3, min_roles: int = 3) -> MiningReport:
    """Risk indicators per entity, written as ``risk_flags`` (list) and ``risk_score``
    (sum of ``RISK_WEIGHTS``): ``shared_contact`` (in a group of >= ``min_shared`` entities
    sharing a phone, address or legal representative), ``multi_role`` (legal representative
    or executive of >= ``min_roles`` companies), ``circular_ownership`` (on a shareholding
    cycle of any length)."""
    nodes, edges = party_nodes(driver, database), party_edges(driver, database)
    groups = shared_contact_groups(driver, database, edges, min_shared)
    flags: dict[str, set[str]] = {"shared_contact": set(groups["entity_id"])}
    roles = edges[edges["type"].isin([R.LEGAL_REPRESENTATIVE_OF, R.EXECUTIVE_OF])]
    counts = roles.groupby("source")["target"].nunique()
    flags["multi_role"] = set(counts[counts >= min_roles].index)
    flags["circular_ownership"] = holding_cycle_members(nodes, edges)
    ids = nodes["entity_id"]
    flag_lists = [[f for f in RISK_WEIGHTS if i in flags[f]] for i in ids]
    frame = nodes.assign(risk_flags=flag_lists,
                         risk_score=[sum(RISK_WEIGHTS[f] for f in fl) for fl in flag_lists])
    written = write_entity_properties(driver, database, frame,
                                      [P.risk_flags, P.risk_score]) if write else 0
    flagged = frame[frame["risk_score"] > 0].sort_values(
        ["risk_score", "entity_id"], ascending=[False, True])
    rows = [[r.entity_id, r.label, r.name, r.risk_score, ", ".join(r.risk_flags)]
            for r in flagged.head(top).itertuples()]
    summary = {"entities": len(nodes), "flagged": len(flagged),
               **{f"{f}": len(flags[f]) for f in RISK_WEIGHTS},
               "shared_contact_groups": int(groups[["kind", "value"]].drop_duplicates().shape[0])}
    return MiningReport("risk", summary,
                        ["entity_id", "label", "name", "risk_score", "risk_flags"], rows,
                        written, {"scores": frame, "shared_groups": groups})


def holding_cycle_members(nodes: pd.DataFrame, edges: pd.DataFrame) -> set[str]:
    """Entities on a shareholding cycle: in a strongly connected component of two or more,
    or holding shares in themselves."""
    import igraph

    index, a, b = _vertex_positions(nodes, edges[edges["type"] == R.SHAREHOLDER_OF])
    ids = index.to_numpy()
    members = set(ids[a[a == b]])
    graph = igraph.Graph(n=len(index), edges=np.stack([a, b], axis=1).tolist(),
                         directed=True)
    for component in graph.connected_components(mode="strong"):
        if len(component) > 1:
            members.update(ids[component])
    return members


# ---- regions -------------------------------------------------------------------------------

def read_divisions(driver: Driver, database: str) -> pd.DataFrame:
    """Every division: ``code``, ``name``, ``level``, ``parent`` (its parent's code)."""
    div_label, div_code = quote(L.AdministrativeDivision), quote(P.code)
    return _read_rows(driver, database,
                      f"MATCH (d:{div_label}) "
                      f"OPTIONAL MATCH (d)-[:{quote(R.LOCATED_IN)}]->(p:{div_label}) "
                      f"RETURN collect([d.{div_code}, d.{quote(P.name)}, d.{quote(P.level)}, "
                      f"p.{div_code}]) AS rows", ["code", "name", "level", "parent"])\
        .drop_duplicates("code")


def read_located(driver: Driver, database: str) -> pd.DataFrame:
    """Every located person and company: ``entity_id``, ``label``, ``code`` (its division),
    ``name``, ``industry``, ``reg_capital`` (yuan), ``established_year``, ``credit_code``
    (companies)."""
    columns = ["entity_id", "code", "name", "industry", "reg_capital", "established_year",
               "credit_code"]
    frames = []
    for label in (L.NaturalPerson, L.LegalPerson):
        company = label == L.LegalPerson
        extra = (f"e.{quote(P.industry)}, e.{quote(P.reg_capital)}, "
                 f"left(toString(e.{quote(P.established_date)}), 4), "
                 f"e.{quote(P.credit_code)}"
                 if company else "null, null, null, null")
        frame = _read_rows(driver, database,
                           f"MATCH (e:{quote(label)})-[:{quote(R.LOCATED_IN)}]->"
                           f"(d:{quote(L.AdministrativeDivision)}) "
                           f"RETURN collect([e.{quote(P.entity_id)}, d.{quote(P.code)}, "
                           f"e.{quote(P.name)}, {extra}]) AS rows", columns)
        frames.append(frame.astype(object).assign(label=label))
    located = pd.concat(frames, ignore_index=True)
    located["reg_capital"] = rg.capital_yuan(located["reg_capital"])
    return located


def read_holdings(driver: Driver, database: str) -> pd.DataFrame:
    """How many located persons and companies each department holds a record of, per
    division: ``code``, ``department``, ``label``, ``entities``. Counted in Neo4j, one row
    per division, department and label rather than one per record (3M records at 1M
    entities)."""
    frames = [_read_rows(driver, database,
                         f"MATCH (e:{quote(label)})-[:{quote(R.LOCATED_IN)}]->"
                         f"(a:{quote(L.AdministrativeDivision)}) "
                         f"MATCH (e)<-[:{quote(R.REFERS_TO)}]-(:{quote(L.SourceRecord)})"
                         f"-[:{quote(R.FROM_DEPARTMENT)}]->(d:{quote(L.Department)}) "
                         f"WITH a.{quote(P.code)} AS code, d.{quote(P.name)} AS dept, "
                         "count(DISTINCT e) AS n RETURN collect([code, dept, n]) AS rows",
                         ["code", "department", "entities"]).assign(label=label)
              for label in (L.NaturalPerson, L.LegalPerson)]
    return pd.concat(frames, ignore_index=True)


def write_division_counts(driver: Driver, database: str, stats: pd.DataFrame) -> int:
    """Set the count properties on every division; returns divisions updated."""
    rows = [{k: _native(v) for k, v in r.items()}
            for r in stats.reset_index()[["code", *rg.COUNTS]].to_dict("records")]
    sets = ", ".join(f"d.{quote(getattr(P, c))} = row.{c}" for c in rg.COUNTS)
    cypher = (f"UNWIND $rows AS row MATCH (d:{quote(L.AdministrativeDivision)} "
              f"{{{quote(P.code)}: row.code}}) SET {sets} RETURN count(d) AS n")
    return sum(r["n"] for r in write_batches(driver, database, cypher, rows, BATCH))


def regions(driver: Driver, database: str, write: bool = True, level: str | None = None,
            by: str = "persons", top: int = 20) -> MiningReport:
    """The macro view by division: companies, persons, registered capital and cross-division
    links rolled up through every level (written on every division as ``company_count``,
    ``person_count``, ``reg_capital_total``, ``cross_division_links``); the ``top``
    non-empty divisions of ``level`` (default prefecture) ranked by ``by``; and, in
    ``details``, the industry mix, companies established per year per prefecture, the
    cross-prefecture flows and matrix and department coverage per prefecture (``focus``:
    the prefectures the ranked divisions are, contain or lie in)."""
    level = level or division_levels.prefecture
    rg.check_ranking(level, by)
    divisions = read_divisions(driver, database)
    if divisions.empty:
        return MiningReport("regions", {"divisions": 0}, [], [], 0)
    rg.check_division_levels(divisions)
    chains = rg.division_chains(divisions)
    placed = rg.place(read_located(driver, database), chains)
    companies = rg.with_industry(placed[placed["label"] == L.LegalPerson])
    edges = party_edges(driver, database)
    stats = rg.division_counts(placed, edges, divisions["code"])
    written = write_division_counts(driver, database, stats) if write else 0
    table = divisions.drop(columns="parent").set_index("code").join(stats).reset_index()\
        .sort_values("code", ignore_index=True)
    ranking = rg.ranked(table, level, by, top)
    flows = rg.prefecture_flows(edges, placed)
    columns = ["code", "name", "level", *rg.COUNTS]
    summary = {"divisions": len(divisions), "located_entities": len(placed),
               "companies_located": len(companies),
               **{f"industry_from_{how}": int((companies["industry_derived"] == how).sum())
                  for how in rg.DERIVED_FROM},
               f"non-empty {level}": int(((table["level"] == level)
                                          & (table[["person_count", "company_count"]]
                                             .sum(axis=1) > 0)).sum()),
               "level": level, "ranked by": by}
    details = {"divisions": table, "ranking": ranking,
               "focus": rg.prefectures_of(chains, ranking["code"], level),
               "industry": rg.industry_mix(companies),
               "established": rg.established_by_year(placed), "flows": flows,
               "flow_matrix": rg.flow_matrix(flows),
               "coverage": rg.department_coverage(read_holdings(driver, database), chains)}
    return MiningReport("regions", summary, columns, ranking[columns].values.tolist(), written,
                        details)
