"""A small government-affairs graph with hand-computed answers, written with parameterised
Cypher from the ontology names (the same shape the graph store writes)."""

from __future__ import annotations

from graph.store.interests import interest_kinds, sync_interests, sync_params
from ontology.schema import labels as L
from ontology.schema import props as P
from ontology.schema import rels as R

PSB, SAMR, TAX, HRSS = "公安厅户籍", "市场监管局", "税务局", "人社厅"
SHARED_PHONE = "057188880000"
SHARED_ADDRESS = "杭州市西湖区文三路1号"

DIVISIONS = [  # code, name, level, parent
    ("330000", "浙江省", "province", None),
    ("330100", "杭州市", "prefecture", "330000"),
    ("330106", "西湖区", "county", "330100"),
    ("330200", "宁波市", "prefecture", "330000"),
    ("330203", "海曙区", "county", "330200"),
]

PERSONS = [  # entity_id, name, id_number, phone, phones, address, addresses, division
    ("P-0001", "张三", "330106198001011234", "13800000001", ["13800000001"],
     SHARED_ADDRESS, [SHARED_ADDRESS], "330106"),
    ("P-0002", "李四", "330203198202022345", "13800000002", ["13800000002"],
     "宁波市海曙区中山路8号", ["宁波市海曙区中山路8号"], "330203"),
    ("P-0003", "王五", "33010619850303345X", "13800000003", ["13800000003"],
     "杭州市西湖区天目山路5号", ["杭州市西湖区天目山路5号"], "330106"),
    ("P-0004", "赵六", "330106198104044567", "13900000004", ["13900000004", "13800000001"],
     "杭州市西湖区古墩路9号", ["杭州市西湖区古墩路9号", SHARED_ADDRESS], "330106"),
    ("P-0005", "孙七", "330203200505055678", "13900000005", ["13900000005"],
     "宁波市海曙区鼓楼1号", ["宁波市海曙区鼓楼1号"], "330203"),
]

COMPANIES = [  # entity_id, name, credit_code, phone, address, industry, reg_capital, division
    ("C-0001", "杭州甲科技有限公司", "91330106MA0000001A", SHARED_PHONE, SHARED_ADDRESS,
     "制造业", 1000.0, "330106"),
    ("C-0002", "杭州乙贸易有限公司", "91330106MA0000002B", SHARED_PHONE, "杭州市西湖区文二路2号",
     "制造业", 500.0, "330106"),
    ("C-0003", "宁波丙实业有限公司", "91330203MA0000003C", SHARED_PHONE, "宁波市海曙区解放路3号",
     "批发和零售业", 200.0, "330203"),
    ("C-0004", "宁波丁信息有限公司", "91330203MA0000004D", "057400000004", "宁波市海曙区药行街4号",
     "信息传输、软件和信息技术服务业", 300.0, "330203"),
    ("C-0005", "宁波戊投资有限公司", "91330203MA0000005E", "057400000005", "宁波市海曙区5号",
     "租赁和商务服务业", 100.0, "330203"),
    ("C-0006", "宁波己投资有限公司", "91330203MA0000006F", "057400000006", "宁波市海曙区6号",
     "租赁和商务服务业", 100.0, "330203"),
    ("C-0007", "宁波庚投资有限公司", "91330203MA0000007G", "057400000007", "宁波市海曙区7号",
     "租赁和商务服务业", 100.0, "330203"),
    ("C-0008", "杭州辛控股有限公司", "91330100MA0000008H", "057100000008", "杭州市8号",
     "金融业", 50.0, "330100"),
    ("C-0009", "杭州壬控股有限公司", "91330100MA0000009J", "057100000009", "杭州市9号",
     "金融业", 50.0, "330100"),
]

RELATIONS = [  # from, type, to, share_ratio
    ("P-0001", "SHAREHOLDER_OF", "C-0001", 0.6),
    ("P-0002", "SHAREHOLDER_OF", "C-0001", 0.4),
    ("C-0001", "SHAREHOLDER_OF", "C-0002", 0.5),
    ("P-0002", "SHAREHOLDER_OF", "C-0002", 0.5),
    ("C-0002", "SHAREHOLDER_OF", "C-0003", 0.8),
    ("P-0003", "SHAREHOLDER_OF", "C-0003", 0.2),
    ("C-0005", "SHAREHOLDER_OF", "C-0006", 0.5),
    ("C-0006", "SHAREHOLDER_OF", "C-0007", 0.4),
    ("C-0007", "SHAREHOLDER_OF", "C-0005", 0.3),
    ("C-0008", "SHAREHOLDER_OF", "C-0009", 0.1),
    ("C-0009", "SHAREHOLDER_OF", "C-0008", 0.2),
    ("P-0001", "LEGAL_REPRESENTATIVE_OF", "C-0001", None),
    ("P-0001", "LEGAL_REPRESENTATIVE_OF", "C-0002", None),
    ("P-0001", "LEGAL_REPRESENTATIVE_OF", "C-0004", None),
    ("P-0003", "LEGAL_REPRESENTATIVE_OF", "C-0003", None),
    ("P-0003", "LEGAL_REPRESENTATIVE_OF", "C-0005", None),
    ("P-0003", "LEGAL_REPRESENTATIVE_OF", "C-0006", None),
    ("P-0001", "EXECUTIVE_OF", "C-0003", None),
    ("P-0002", "EXECUTIVE_OF", "C-0001", None),
    ("P-0002", "EXECUTIVE_OF", "C-0002", None),
    ("P-0005", "EMPLOYED_BY", "C-0004", None),
    ("P-0004", "SPOUSE_OF", "P-0002", None),
    ("P-0004", "PARENT_OF", "P-0005", None),
]

# (department, record_id, entity_id, score); entities not listed get one record below.
RECORDS = [
    (PSB, "1001", "P-0001", 1.0), (SAMR, "2001", "P-0001", 0.97), (TAX, "3001", "P-0001", 0.95),
    (HRSS, "4001", "P-0001", 0.91),
    (PSB, "1002", "P-0002", 1.0), (HRSS, "4002", "P-0002", 0.93), (TAX, "3002", "P-0002", 0.9),
    (SAMR, "2101", "C-0001", 1.0), (TAX, "3101", "C-0001", 0.99), (TAX, "3102", "C-0001", 0.88),
]


def records() -> list[tuple[str, str, str, float]]:
    """Every source record: the listed ones plus one per other entity."""
    listed = {r[2] for r in RECORDS}
    extra = [(PSB if e[0].startswith("P") else SAMR, f"9{e[0][-3:]}", e[0], 1.0)
             for e in PERSONS + COMPANIES if e[0] not in listed]
    return RECORDS + extra


def kind(entity_id: str) -> str:
    return "person" if entity_id.startswith("P") else "organization"


def write_interests(driver, database: str) -> None:
    """The shareholding and role nodes of RELATIONS, as the graph store derives them."""
    for rel in interest_kinds():
        groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for a, t, b, _ in RELATIONS:
            if t == rel:
                groups.setdefault((kind(a), kind(b)), []).append((a, b))
        for (from_kind, to_kind), pairs in sorted(groups.items()):
            driver.execute_query(sync_interests(rel, from_kind, to_kind),
                                 c={"from_id": [a for a, _ in pairs],
                                    "to_id": [b for _, b in pairs]},
                                 n=len(pairs), **sync_params(rel), database_=database)


def build(driver, database: str) -> None:
    """Write the known graph into an empty database."""

    def write(cypher: str, rows: list[dict]) -> None:
        driver.execute_query(cypher, rows=rows, database_=database)

    write(f"UNWIND $rows AS row CREATE (:{L.AdministrativeDivision} {{{P.code}: row.code, "
          f"{P.name}: row.name, {P.level}: row.level}})",
          [{"code": c, "name": n, "level": lv} for c, n, lv, _ in DIVISIONS])
    write(f"UNWIND $rows AS row MATCH (c:{L.AdministrativeDivision} {{{P.code}: row.code}}), "
          f"(p:{L.AdministrativeDivision} {{{P.code}: row.parent}}) CREATE (c)-[:{R.LOCATED_IN}]->(p)",
          [{"code": c, "parent": p} for c, _, _, p in DIVISIONS if p])
    write(f"UNWIND $rows AS row CREATE (e:{L.NaturalPerson}) SET e = row.props WITH e, row "
          f"MATCH (d:{L.AdministrativeDivision} {{{P.code}: row.division}}) "
          f"CREATE (e)-[:{R.LOCATED_IN}]->(d)",
          [{"props": {P.entity_id: eid, P.uri: f"https://w3id.org/kglink/id/entity/{eid}",
                      P.name: name, P.names: [name], P.id_number: idn, P.phone: phone,
                      P.phones: phones, P.address: addr, P.addresses: addrs},
            "division": div}
           for eid, name, idn, phone, phones, addr, addrs, div in PERSONS])
    write(f"UNWIND $rows AS row CREATE (e:{L.LegalPerson}) SET e = row.props WITH e, row "
          f"MATCH (d:{L.AdministrativeDivision} {{{P.code}: row.division}}) "
          f"CREATE (e)-[:{R.LOCATED_IN}]->(d)",
          [{"props": {P.entity_id: eid, P.uri: f"https://w3id.org/kglink/id/entity/{eid}",
                      P.name: name, P.names: [name], P.credit_code: code, P.phone: phone,
                      P.phones: [phone], P.address: addr, P.addresses: [addr],
                      P.industry: industry, P.reg_capital: capital},
            "division": div}
           for eid, name, code, phone, addr, industry, capital, div in COMPANIES])
    for rel in sorted({r[1] for r in RELATIONS}):
        rows = [{"a": a, "b": b, "props": {} if s is None else {P.share_ratio: s}}
                for a, t, b, s in RELATIONS if t == rel]
        write(f"UNWIND $rows AS row MATCH (a {{{P.entity_id}: row.a}}), (b {{{P.entity_id}: row.b}}) "
              f"CREATE (a)-[r:{getattr(R, rel)}]->(b) SET r = row.props", rows)
    write_interests(driver, database)
    write(f"UNWIND $rows AS name CREATE (:{L.Department} {{{P.name}: name}})",
          sorted({r[0] for r in records()}))
    write(f"UNWIND $rows AS row MATCH (e {{{P.entity_id}: row.entity}}), "
          f"(d:{L.Department} {{{P.name}: row.dept}}) "
          f"CREATE (s:{L.SourceRecord} {{{P.record_key}: row.dept + ':' + row.rid, "
          f"{P.department}: row.dept, {P.record_id}: row.rid}}) "
          f"CREATE (s)-[:{R.REFERS_TO} {{{P.score}: row.score, {P.evidence}: '{{}}'}}]->(e) "
          f"CREATE (s)-[:{R.FROM_DEPARTMENT}]->(d)",
          [{"dept": d, "rid": rid, "entity": e, "score": s} for d, rid, e, s in records()])
