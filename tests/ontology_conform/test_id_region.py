"""The first six digits of an ID number must be a GB/T 2260 division code from the shipped
table (loaders/data/gbt2260_divisions.csv): the shape is generated from it."""

from __future__ import annotations

from conform_graph import valid_id

from loaders.divisions import load
from ontology.rdf import subgraph_to_rdf
from ontology.region_shapes import REGION_SHAPES_FILE, region_shapes_text
from ontology.validation import validate

ENTITY = "https://w3id.org/kglink/id/entity/"
REGION_EN = ("the region code in the ID number (characters 1-6) is not a GB/T 2260 division "
             "code (and is not flagged kg:idValid or kg:identifierValid false)")
REGION_ZH = "公民身份号码中的地区码（第 1-6 位）不是 GB/T 2260 行政区划代码（且未标记 kg:idValid 或 kg:identifierValid false）"
UNKNOWN = valid_id("43999919900101123")   # good check digit and date, no division 439999
KNOWN = valid_id("43010219900101123")     # 芙蓉区


def _person(eid: str, id_number: str, **extra):
    return (eid, {"labels": ["NaturalPerson"], "entity_id": eid, "uri": ENTITY + eid,
                  "id_number": id_number, **extra})


def test_the_shipped_shape_is_generated_from_the_table():
    assert REGION_SHAPES_FILE.read_text(encoding="utf-8") == region_shapes_text()
    text = region_shapes_text()
    assert "439999" not in text
    assert all(f" {code} " in text for code in load()["code"])
    assert "(3219 division codes)" in text


def test_an_unknown_region_is_caught_with_its_message():
    g = subgraph_to_rdf([_person("P-1", UNKNOWN), _person("P-2", KNOWN)], [])
    assert validate(g).messages == [
        f"Violation: entity:P-1 kg:idNumber: {REGION_EN} (value '{UNKNOWN}')"]
    assert validate(g, lang="zh").messages == [
        f"Violation: entity:P-1 kg:idNumber: {REGION_ZH} (value '{UNKNOWN}')"]


def test_a_flagged_number_is_not_reported():
    g = subgraph_to_rdf([_person("P-1", UNKNOWN, id_valid=False)], [])
    assert validate(g).messages == []
