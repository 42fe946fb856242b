"""A hand-made load with the identifiers real data has: real GB/T 2260 division codes, ID
numbers with right and wrong check digits (``id_valid`` from the loaders' own check), a
person with two ID numbers from different departments, a masked number, and a company with
a credit code and a registration number."""

from __future__ import annotations

import pandas as pd

from loaders.standardise.creditcode import normalise_credit_codes
from loaders.standardise.idcard import normalise_id_numbers
from tests.graph.graphstore_frames import Ingested, Linked
from tests.ontology_conform.conform_graph import invalid_id, valid_id

PSB, HRSS, TAX, SAMR = "公安厅户籍", "人社厅社保", "税务局", "市场监管局"
ID_A = valid_id("11010119900307451")     # 110101 东城区, in the police and social records
ID_B = valid_id("43010219850101002")     # 430102 芙蓉区, the same person's number at tax
ID_BAD = invalid_id("43010319870512301")  # 430103 天心区, wrong check digit
ID_FIXED = valid_id("43010319870512301")  # the same number corrected
MASKED = "430*************25"              # a masked number: never an identifier
CREDIT = "91430100MA4L00003Q"             # 9 market regulation, 430100 长沙市
REG = "430100000012345"                   # 15-digit registration number, 430100 长沙市

PERSON_ROWS = [(PSB, "1", "张三", ID_A, "P1"), (HRSS, "1", "张三", ID_A, "P1"),
               (TAX, "1", "张三", ID_B, "P1"), (PSB, "2", "李四", ID_BAD, "P2"),
               (PSB, "3", "王五", MASKED, "P3")]


def identifier_case(persons: list[tuple[str, str, str, str, str]] | None = None
                    ) -> tuple[Ingested, Linked]:
    """Person rows (department, record_id, name, ID number, entity) -- ``PERSON_ROWS`` by
    default -- and one company (O1) of two records, one with a registration number."""
    rows = PERSON_ROWS if persons is None else persons
    people = pd.DataFrame([r[:4] for r in rows],
                          columns=["department", "record_id", "name", "raw_id"])
    ids = normalise_id_numbers(people.pop("raw_id"))
    people = people.assign(source="x.csv", line=range(2, 2 + len(rows)),
                           id_number=ids["id_number"], id_valid=ids["id_valid"],
                           birth_date=ids["birth_date"], sex=ids["sex"],
                           region_code=ids["region_code"])
    codes = normalise_credit_codes(pd.Series([CREDIT, CREDIT]))
    organizations = pd.DataFrame({
        "department": [SAMR, TAX], "source": ["samr.csv", "tax.csv"], "record_id": ["100", "200"],
        "line": [2, 2], "name": ["长沙星辰科技有限公司"] * 2, "credit_code": codes["credit_code"],
        "credit_code_valid": codes["credit_code_valid"], "reg_number": [REG, None],
        "region_code": ["430100", "430100"]})
    clusters = pd.DataFrame(
        [(d, r, e, "person") for d, r, _, _, e in rows]
        + [(SAMR, "100", "O1", "organization"), (TAX, "200", "O1", "organization")],
        columns=["department", "record_id", "entity_id", "entity_type"])
    links = pd.DataFrame(columns=["department_l", "record_id_l", "department_r", "record_id_r",
                                  "score", "evidence"])
    return Ingested(people, organizations), Linked(clusters, links)
