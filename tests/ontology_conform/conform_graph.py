"""A hand-made load for the conformance tests, written by the real graph store: persons
whose ID numbers are valid, invalid only, or both; one company; records from three
departments. ``id_valid`` comes from the loaders' own check (``normalise_id_numbers``)."""

from __future__ import annotations

import io

import pandas as pd
from rdflib import Graph

from graph.rdf_io import export_rdf
from graph.store import write_graph
from loaders.standardise.creditcode import normalise_credit_codes
from loaders.standardise.idcard import check_char, normalise_id_numbers
from tests.graph.graphstore_frames import Ingested, Linked

PSB, HRSS, SAMR = "公安厅户籍", "人社厅社保", "市场监管局"


def valid_id(body17: str) -> str:
    """An 18-digit ID number with its right check character."""
    return body17 + check_char(body17)


def invalid_id(body17: str) -> str:
    """The same number with a wrong check character."""
    right = check_char(body17)
    return body17 + ("0" if right != "0" else "1")


GOOD = valid_id("43010219900101123")       # P1: valid in both its records
ONLY_BAD = invalid_id("43010319850505234")  # P2: its only number fails the checksum
P3_BAD = invalid_id("43010419700707345")    # P3: one bad and one good number
P3_GOOD = valid_id("43010419700707345")
CREDIT = "91430100MA4L00003Q"     # valid (GB 32100 and GB 11714 checks)


def conform_case() -> tuple[Ingested, Linked]:
    """Six person records (three entities) and one company record."""
    rows = [(PSB, "1", "张三", GOOD), (HRSS, "1", "张三", GOOD),
            (PSB, "2", "李四", ONLY_BAD), (HRSS, "2", "李四", ONLY_BAD),
            (PSB, "3", "王五", P3_BAD), (HRSS, "3", "王五", P3_GOOD)]
    persons = pd.DataFrame(rows, columns=["department", "record_id", "name", "raw_id"])
    ids = normalise_id_numbers(persons.pop("raw_id"))
    persons = persons.assign(source="x.csv", line=range(2, 8), id_number=ids["id_number"],
                             id_valid=ids["id_valid"], birth_date=ids["birth_date"],
                             sex=ids["sex"], region_code=ids["region_code"])
    codes = normalise_credit_codes(pd.Series([CREDIT]))
    organizations = pd.DataFrame({
        "department": [SAMR], "source": ["samr.csv"], "record_id": ["100"], "line": [2],
        "name": ["长沙星辰科技有限公司"], "credit_code": codes["credit_code"],
        "credit_code_valid": codes["credit_code_valid"], "region_code": ["430100"]})
    clusters = pd.DataFrame(
        [(d, r, f"P{r}", "person") for d, r, *_ in rows] + [(SAMR, "100", "O1", "organization")],
        columns=["department", "record_id", "entity_id", "entity_type"])
    links = pd.DataFrame(columns=["department_l", "record_id_l", "department_r", "record_id_r",
                                  "score", "evidence"])
    return Ingested(persons, organizations), Linked(clusters, links)


def export_graph(driver, database, **subgraph) -> Graph:
    """The real RDF export (N-Triples) of the database, parsed."""
    buf = io.StringIO()
    export_rdf(driver, database, buf, "nt", progress=False, **subgraph)
    return Graph().parse(data=buf.getvalue(), format="nt")


def write_conform_case(driver, database) -> None:
    """Store ``conform_case`` with the real graph store."""
    write_graph(driver, database, *conform_case(), progress=False, bulk="never")
