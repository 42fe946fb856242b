"""A small demo-like graph (every label, relationship type and kind of property value of the
graph model) and a writer that stores it in Neo4j with parameterised Cypher built from the
ontology's names."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ontology.schema import labels as L
from ontology.schema import props as P
from ontology.schema import rels as R

ENTITY = "https://w3id.org/kglink/id/entity/"
UTC = dt.UTC
PSB, SAMR, TAX = "公安厅户籍", "市场监管局", "税务局"


def _person(eid: str, name: str, id_number: str, **extra: Any) -> tuple[str, list[str], dict]:
    return eid, [L.NaturalPerson], {P.entity_id: eid, P.uri: ENTITY + eid, P.name: name,
                                    P.id_number: id_number, P.names: [name], **extra}


def _org(eid: str, kind: str, name: str, code: str, **extra: Any) -> tuple[str, list[str], dict]:
    return eid, [L.LegalPerson, kind], {P.entity_id: eid, P.uri: ENTITY + eid, P.name: name,
                                        P.credit_code: code, **extra}


def _record(dept: str, rid: str, line: int, kind: str) -> tuple[str, list[str], dict]:
    key = f"{dept}:{rid}"
    return key, [L.SourceRecord], {
        P.record_key: key, P.department: dept, P.record_id: rid, P.source: f"{dept}.csv",
        P.line: line, P.batch: "b-20240101", P.entity_type: kind,
        P.loaded_at: dt.datetime(2024, 1, 1, 10, 30, tzinfo=UTC)}


def sample_graph() -> tuple[list[tuple[str, list[str], dict]], list[tuple[str, str, str, dict]]]:
    """(nodes as (ref, labels, properties), relationships as (start, type, end, properties))."""
    nodes = [
        _person("P-0001", "张三", "11010519491231002X", **{
            P.birth_date: dt.date(1949, 12, 31), P.sex: "M", P.phone: "13800138000",
            P.names: ["张三", "张叁"], P.phones: ["13800138000", "073188886666"],
            P.address: "湖南省长沙市芙蓉区五一大道1号", P.id_valid: True}),
        _person("P-0002", "李四", "430102198001011234", **{
            P.birth_date: "1980-01-01", P.sex: "F", P.id_valid: False}),
        _person("P-0003", "王五", "430103197502023453", **{P.sex: "M"}),
        _person("P-0004", "John O'Neil \"Jack\"", "430104199003034567", **{
            P.address: "line one\nline two\ttabbed \\ backslash"}),
        _org("O-0001", L.Enterprise, "长沙星辰科技有限公司", "91430100MA4L00000F", **{
            P.reg_capital: 5_000_000.0, P.established_date: dt.date(2015, 6, 1),
            P.names: ["长沙星辰科技有限公司", "星辰科技"]}),
        _org("O-0002", L.SocialOrganisation, "湖南省青年创业协会", "51430000MJ0000002Q"),
        _org("O-0003", L.IndividualBusiness, "芙蓉区小王餐馆", "92430102MA4L000009"),
        _record(PSB, "R001", 2, "person"), _record(PSB, "R 002/x", 3, "person"),
        _record(SAMR, "E-1", 2, "organization"), _record(TAX, "T9", 7, "person"),
        (PSB, [L.Department], {P.name: PSB}), (SAMR, [L.Department], {P.name: SAMR}),
        (TAX, [L.Department], {P.name: TAX}),
        ("430000", [L.AdministrativeDivision], {P.code: "430000", P.name: "湖南省",
                                                 P.level: "province"}),
        ("430100", [L.AdministrativeDivision], {P.code: "430100", P.name: "长沙市",
                                                 P.level: "city"}),
        ("430102", [L.AdministrativeDivision], {P.code: "430102", P.name: "芙蓉区",
                                                 P.level: "county"}),
        ("doc-1", [L.Document], {P.uri: "file:///news/2024-01-02.txt", P.name: "新闻"}),
    ]
    evidence = json.dumps({"id_number": 1.0, "name": 0.92}, ensure_ascii=False)
    rels = [
        (f"{PSB}:R001", R.REFERS_TO, "P-0001", {P.score: 1.0, P.evidence: evidence}),
        (f"{PSB}:R 002/x", R.REFERS_TO, "P-0001", {P.score: 0.87, P.evidence: evidence}),
        (f"{TAX}:T9", R.REFERS_TO, "P-0002", {P.score: 0.95, P.evidence: evidence}),
        (f"{SAMR}:E-1", R.REFERS_TO, "O-0001", {P.score: 1.0, P.evidence: "{}"}),
        (f"{PSB}:R001", R.FROM_DEPARTMENT, PSB, {}),
        (f"{PSB}:R 002/x", R.FROM_DEPARTMENT, PSB, {}),
        (f"{TAX}:T9", R.FROM_DEPARTMENT, TAX, {}),
        (f"{SAMR}:E-1", R.FROM_DEPARTMENT, SAMR, {}),
        ("P-0001", R.LEGAL_REPRESENTATIVE_OF, "O-0001", {
            P.department: SAMR, P.start_date: "2015-06-01", P.record_keys: [f"{SAMR}:E-1"]}),
        ("P-0001", R.SHAREHOLDER_OF, "O-0001", {P.share_ratio: 0.35,
                                                 P.start_date: dt.date(2015, 6, 1)}),
        ("P-0001", R.SHAREHOLDER_OF, "O-0001", {P.share_ratio: 0.05,
                                                 P.start_date: dt.date(2019, 1, 1),
                                                 P.end_date: dt.date(2020, 1, 1)}),
        ("O-0002", R.SHAREHOLDER_OF, "O-0001", {P.share_ratio: 0.6}),
        ("P-0002", R.EXECUTIVE_OF, "O-0001", {}),
        ("P-0003", R.EMPLOYED_BY, "O-0003", {P.department: TAX}),
        ("P-0001", R.SPOUSE_OF, "P-0002", {}),
        ("P-0001", R.PARENT_OF, "P-0003", {}),
        ("P-0002", R.RELATIVE_OF, "P-0004", {}),
        ("P-0001", R.LOCATED_IN, "430102", {}),
        ("O-0001", R.LOCATED_IN, "430102", {}),
        ("430102", R.LOCATED_IN, "430100", {}),
        ("430100", R.LOCATED_IN, "430000", {}),
        ("doc-1", R.MENTIONS, "P-0001", {P.start: 10, P.end: 12, P.score: 0.9}),
        ("doc-1", R.MENTIONS, "O-0001", {P.start: 20, P.end: 30, P.score: 0.75}),
    ]
    return nodes, rels


def write_sample_graph(driver, database: str) -> dict[str, str]:
    """Store ``sample_graph()`` in Neo4j; returns ref -> element id."""
    nodes, rels = sample_graph()

    def work(tx) -> dict[str, str]:
        ids = {}
        for ref, labels, props in nodes:
            label_text = ":".join(f"`{label}`" for label in labels)
            ids[ref] = tx.run(f"CREATE (n:{label_text}) SET n = $props RETURN elementId(n) AS id",
                              props=props).single()["id"]
        for start, rel_type, end, props in rels:
            tx.run(f"MATCH (a) WHERE elementId(a) = $a MATCH (b) WHERE elementId(b) = $b "
                   f"CREATE (a)-[r:`{rel_type}`]->(b) SET r = $props",
                   a=ids[start], b=ids[end], props=props).consume()
        return ids

    with driver.session(database=database) as session:
        return session.execute_write(work)


def sample_networkx():
    """The sample graph as a networkx MultiDiGraph shaped like the graph bridge's."""
    import networkx as nx

    nodes, rels = sample_graph()
    g = nx.MultiDiGraph()
    for ref, labels, props in nodes:
        g.add_node(ref, labels=list(labels), **props)
    for start, rel_type, end, props in rels:
        g.add_edge(start, end, type=rel_type, **props)
    return g
