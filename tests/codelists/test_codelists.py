"""The enumerated values (sex, entity and record kinds, relation types, load status, credit
code categories, division levels) are declared once, as SKOS code lists in the ontology, and
the loaders and the graph store take them from ``ontology.schema``: these tests fail when the
ontology and the code disagree, and show how a value off a list is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rdflib import URIRef

from graph.store import cypher
from graph.store.fields import KINDS, entity_label
from graph.store.relation_rows import relation_kinds
from loaders.errors import SpecError
from loaders.fields import ENTITY_KINDS
from loaders.ingest import ingest
from loaders.spec import load_spec
from loaders.standardise.codes import RELATION_TYPES, SEX, normalise_sex
from loaders.standardise.idcard import normalise_id_numbers
from ontology.schema import (
    KG,
    KGC,
    KGM,
    code_labels,
    code_list,
    division_levels,
    entity_kinds,
    labels,
    load_statuses,
    ontology_graph,
    record_kinds,
    relation_types,
    sexes,
)

MALE_ID, FEMALE_ID = "430102199001011238", "430102199001011246"


def test_the_schema_returns_exactly_the_notations():
    assert tuple(sexes) == ("M", "F")
    assert tuple(entity_kinds) == ("person", "organization")
    assert tuple(record_kinds) == ("person", "organization", "relation")
    assert tuple(relation_types) == ("legal_representative", "shareholder", "executive",
                                     "employee", "spouse", "parent", "relative")
    assert tuple(load_statuses) == ("running", "complete")
    assert tuple(division_levels) == ("province", "prefecture", "county")
    categories = code_list("CreditCodeCategory")
    assert len(categories) == 36
    assert categories[:3] == ("11", "12", "13") and categories[-1] == "Y1"
    assert {"51", "52", "53", "91", "92", "93"} <= set(categories)


def test_every_code_has_a_chinese_and_an_english_label():
    assert code_labels("Sex") == {"M": "男", "F": "女"}
    assert code_labels("Sex", "en") == {"M": "male", "F": "female"}
    zh = code_labels("CreditCodeCategory")
    assert (zh["91"], zh["92"], zh["93"], zh["51"], zh["53"]) == \
        ("企业", "个体工商户", "农民专业合作社", "社会团体", "基金会")
    for scheme in ("Sex", "EntityKind", "RecordKind", "RelationType", "LoadStatus",
                   "CreditCodeCategory", "DivisionLevel"):
        assert list(code_labels(scheme, "en")) == list(code_labels(scheme, "zh")) \
            == list(code_list(scheme))


def test_a_value_off_a_code_list_is_refused_by_name():
    with pytest.raises(AttributeError, match=r"^the ontology's Sex declares no 'X'$"):
        sexes.X  # noqa: B018
    with pytest.raises(AttributeError, match=r"^the ontology's RelationType declares no "
                                             r"'friend'$"):
        relation_types.friend  # noqa: B018
    with pytest.raises(AttributeError, match=r"^the ontology declares no code list 'Colour'$"):
        code_list("Colour")


def test_properties_name_their_code_lists():
    g = ontology_graph()
    codes = URIRef(KGM + "codeList")
    assert g.value(URIRef(KG + "sex"), codes) == URIRef(KGC + "Sex")
    assert g.value(URIRef(KG + "entityType"), codes) == URIRef(KGC + "EntityKind")
    assert g.value(URIRef(KG + "level"), codes) == URIRef(KGC + "DivisionLevel")


def test_loader_terms_map_onto_exactly_the_code_lists():
    assert set(SEX.values()) == set(sexes)
    assert set(RELATION_TYPES) == set(relation_types)
    assert ENTITY_KINDS == tuple(record_kinds)
    ids = normalise_id_numbers(pd.Series([MALE_ID, FEMALE_ID]))
    assert ids["sex"].tolist() == [sexes.M, sexes.F] == ["M", "F"]
    assert normalise_sex(pd.Series(["男", "female", "1"])).tolist() == ["M", "F", "M"]


def test_graph_store_covers_exactly_the_code_lists():
    assert KINDS == tuple(entity_kinds)
    assert [entity_label(k) for k in KINDS] == [labels.NaturalPerson, labels.LegalPerson]
    stored = {kind.type for term, kind in relation_kinds().items() if term in relation_types}
    assert set(relation_types) <= set(relation_kinds())
    assert len(stored) == len(tuple(relation_types))  # each canonical type its own relationship
    assert (cypher.RUNNING, cypher.COMPLETE) == tuple(load_statuses)


def _spec(tmp: Path, entity: str, header: str, rows: str, columns: str) -> Path:
    (tmp / "data.csv").write_text(header + rows, encoding="utf-8")
    spec = tmp / "SOURCES.yaml"
    spec.write_text(f"""sources:
  - department: 市场监管局
    entity: {entity}
    format: csv
    path: data.csv
    id_column: 编号
    columns: {columns}
""", encoding="utf-8")
    return spec


def test_a_source_of_an_undeclared_kind_is_one_line_error(tmp_path):
    spec = _spec(tmp_path, "company", "编号,名称\n", "1,长沙智远科技有限公司\n", "{名称: name}")
    with pytest.raises(SpecError, match=r"sources\[0\]\.entity: 'company' is not one of "
                                        r"person, organization, relation$"):
        load_spec(spec)


def test_a_relation_type_off_the_list_is_quarantined_with_its_line(tmp_path):
    rows = f"1,股东,{MALE_ID},91430100MA4L000000\n2,朋友,{MALE_ID},{FEMALE_ID}\n" \
           f"3,配偶,{MALE_ID},{FEMALE_ID}\n"
    spec = _spec(tmp_path, "relation", "编号,关系,甲方,乙方\n", rows,
                 "{关系: type, 甲方: from_id, 乙方: to_id}")
    result = ingest(load_spec(spec), progress=False)
    assert result.relations["type"].tolist() == [relation_types.shareholder,
                                                 relation_types.spouse]
    q = result.quarantine
    assert q[["record_id", "line", "reason"]].values.tolist() == \
        [["2", 3, "unknown_relation_type"]]
    assert result.report["sources"][0]["quarantine_reasons"] == {"unknown_relation_type": 1}


def test_a_sex_off_the_list_is_flagged_and_left_empty(tmp_path):
    rows = f"1,张三,男,{MALE_ID}\n2,李四,X,\n3,王五,未知,\n4,赵六,?,{FEMALE_ID}\n"
    spec = _spec(tmp_path, "person", "编号,姓名,性别,身份证\n", rows,
                 "{姓名: name, 性别: sex, 身份证: id_number}")
    result = ingest(load_spec(spec), progress=False)
    persons = result.persons.set_index("record_id")
    assert persons["sex"].fillna("").tolist() == ["M", "", "", "F"]
    flagged = persons["flags"].fillna("").str.split(";").map(lambda f: "sex_unrecognised" in f)
    assert flagged.tolist() == [False, True, False, True]
    assert result.report["sources"][0]["flags"]["sex_unrecognised"] == 2
    assert result.quarantine.empty
