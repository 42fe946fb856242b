"""PII masking by the ontology's kgm:pii marks and the detector, in every export format,
``ontology export --mask-pii`` and ``cypher/query --mask-pii``; CSV formula injection.

The end-to-end cases build a generated graph with ``kglink run`` in a wiped database, add
hostile values (an ID inside evidence JSON and a record key, extra ID numbers in a person's
list, a mobile written ``+86 138-0013-8000`` in free text, an organisation whose credit code
looks like an ID number, formula names), export everything masked and grep each output for
every raw ID number, legal representative's ID and mobile of the ingested data.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.export.registry import FORMATS
from graph.export.values import csv_safe
from ontology.pii import mask_properties, mask_value, scrub_text
from ontology.schema import masked_keys, pii_properties
from queries.formatting import render

# grep patterns written independently of ontology.pii: an 18-character ID, a mobile (not the
# digits of a decimal fraction such as a model weight 0.005260577440392318)
ID_RE = re.compile(r"(?<![0-9A-Za-z.])\d{17}[\dX](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d{9}(?![0-9A-Za-z])")

HOSTILE_ID = "110105199003071234"
HOSTILE_IDS = [HOSTILE_ID, "11010519900307123X", "110105900307123"]
EVIDENCE_ID, EVIDENCE_MOBILE = "320102198507150011", "13700137000"
FREE_TEXT_MOBILE = "+86 138-0013-8000"
CODE_LIKE_ID, LEGAL_REP_ID = "320102198601010016", "440106197001010035"
FORMULAS = ['=HYPERLINK("http://evil.example/x","click")', "+1", "-2+3", "@SUM(A1:A9)",
            "\t=1+1"]
# every node and relationship but the division tree (thousands of nodes, no personal data)
EVERYTHING = "MATCH (n)-[r]->(m) WHERE NOT n:AdministrativeDivision RETURN n, r, m"


def kglink(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=timeout)


def ok(*args: str) -> subprocess.CompletedProcess:
    out = kglink(*args)
    assert out.returncode == 0, out.stderr
    return out


# ---- the ontology's marks -----------------------------------------------------------------

def test_pii_marks_come_from_the_ontology():
    assert pii_properties() == {
        "address": "address", "addresses": "address", "birth_date": "birth_date",
        "email": "email", "id_number": "identifier", "id_numbers": "identifier",
        "legal_rep_id": "identifier", "notation": "identifier", "phone": "phone",
        "phones": "phone"}
    assert masked_keys() == {"birth_date": "birth_date_masked",
                             "credit_code": "credit_code_masked",
                             "id_number": "id_number_masked", "notation": "notation_masked"}


def test_every_canonical_personal_field_is_marked():
    from loaders.fields import FIELDS

    personal = {f for fields in FIELDS.values() for f in fields
                if re.search(r"id_number|legal_rep_id|phone|email|address|birth_date", f)}
    assert personal == {"id_number", "legal_rep_id", "phone", "email", "address",
                        "birth_date"}
    assert personal <= set(pii_properties())


def test_the_ontology_stays_sound_with_the_masked_properties():
    from ontology.declared import ontology_problems
    from ontology.schema import props

    assert ontology_problems() == []
    assert {props.id_number_masked, props.birth_date_masked, props.credit_code_masked}


# ---- the detector and the categories --------------------------------------------------------

@pytest.mark.parametrize(("text", "masked"), [
    ("330106198001011234", "330*************34"),
    ("id 33010619800101123X.", "id 330*************3X."),
    ("id 33010619800101123x", "id 330*************3x"),
    ("legacy 110105800101123 here", "legacy 110**********23 here"),
    ("公安厅户籍:330106198001011234", "公安厅户籍:330*************34"),
    ("13800138000", "138******00"),
    ("call +86 138-0013-8000 now", "call 138******00 now"),
    ("0086-13800138000", "138******00"),
    ("8613800138000", "138******00"),
    ("138 0013 8000", "138******00"),
    ("电话13912345678转", "电话139******78转"),
    ("mail zhang.san@example.com", "mail z***@example.com"),
    ("全角１３８００１３８０００号", "全角138******00号"),
    ("身份证３３０１０６１９８００１０１１２３Ｘ", "身份证330*************3X"),
    ("tel:+8613800138000", "tel:138******00"),
    ("record/%E5%85%AC%3A330106198001011234", "record/%E5%85%AC%3A330*************34"),
])
def test_detector_masks_ids_mobiles_and_emails_in_any_text(text, masked):
    assert scrub_text(text) == masked


@pytest.mark.parametrize("text", [
    "2020-01-01", "0.9512345678", "330106001000", "GA000123", "12800138000",
    "1234567890123456789", "91330106MA2ABCDE1X", "张三", "57188880000", "全角１２３",
])
def test_detector_leaves_other_text_alone(text):
    assert scrub_text(text) == text


def test_evidence_json_is_masked_structurally():
    evidence = json.dumps({"id_number": EVIDENCE_ID, "phones": ["057188880000"],
                           "note": f"matched {EVIDENCE_MOBILE}", "weights": {"name": 3.2}},
                          ensure_ascii=False)
    assert json.loads(scrub_text(evidence)) == {
        "id_number": "320*************11", "phones": ["057*******00"],
        "note": "matched 137******00", "weights": {"name": 3.2}}


def test_list_values_and_categories_are_masked_element_by_element():
    from datetime import date

    masked = mask_properties({
        "id_numbers": HOSTILE_IDS, "phones": ["13800138000", "057188880000"],
        "email": "li.si@gov.example.cn", "address": "浙江省杭州市西湖区文三路 123 号",
        "birth_date": date(1990, 3, 7), "legal_rep_id": LEGAL_REP_ID,
        "name": "张三 13912345678", "reg_capital": -3.5, "line": 13800138000})
    assert masked == {
        "id_numbers": ["110*************34", "110*************3X", "110**********23"],
        "phones": ["138******00", "057*******00"], "email": "l***@gov.example.cn",
        "address": "浙江省杭州市****", "birth_date": "1990-**-**",
        "legal_rep_id": "440*************35", "name": "张三 139******78",
        "reg_capital": -3.5, "line": "138******00"}


def test_rename_moves_masked_values_to_the_masked_properties_only_when_changed():
    assert mask_properties({"id_number": HOSTILE_ID, "credit_code": "91330106MA2ABCDE1X",
                            "birth_date": "1990-03-07"}, rename=True) == {
        "id_number_masked": "110*************34", "credit_code": "91330106MA2ABCDE1X",
        "birth_date_masked": "1990-**-**"}
    assert mask_properties({"credit_code": CODE_LIKE_ID}, rename=True) == {
        "credit_code_masked": "320*************16"}


def test_query_values_are_masked_by_column_name_and_inside_nodes():
    node = {"labels": ["NaturalPerson"], "id_number": HOSTILE_ID, "name": "王五"}
    assert mask_value(node) == {"labels": ["NaturalPerson"], "id_number": "110*************34",
                                "name": "王五"}
    text = render(["n.phone", "p"], [["057188880000", node]], "json", mask=True)
    assert "057188880000" not in text and HOSTILE_ID not in text
    assert json.loads(text)[0]["n.phone"] == "057*******00"


# ---- CSV formula injection ---------------------------------------------------------------

@pytest.mark.parametrize(("value", "cell"), [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-3.5", "'-3.5"), (-3.5, -3.5), (7, 7), ("张三", "张三"), ("a=b", "a=b"),
])
def test_csv_cells_are_neutralised_but_numbers_stay_numbers(value, cell):
    assert csv_safe(value) == cell


def test_query_csv_neutralises_text_and_keeps_numbers():
    text = render(["=cmd", "name", "ratio"], [["x", "=HYPERLINK(1)", -3.5]], "csv")
    rows = list(csv.reader(text.splitlines()))
    assert rows == [["'=cmd", "name", "ratio"], ["x", "'=HYPERLINK(1)", "-3.5"]]


def test_nodes_csv_neutralises_formula_names(tmp_path):
    import networkx as nx

    from graph.export import export_graph

    g = nx.MultiDiGraph()
    for i, name in enumerate(FORMULAS):
        g.add_node(f"=P{i}", labels=["NaturalPerson"], name=name, reg_capital=-2.5)
    export_graph(g, "csv", tmp_path / "out")
    with open(tmp_path / "out" / "nodes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["'" + name for name in FORMULAS]
    assert [r["id"] for r in rows] == [f"'=P{i}" for i in range(len(FORMULAS))]
    assert {r["reg_capital"] for r in rows} == {"-2.5"}


# ---- end to end: a generated graph, masked in every output ----------------------------------

def _hostile(driver, database: str) -> None:
    """Hostile values the generator does not make, written beside the generated graph."""
    evidence = json.dumps({"id_number": EVIDENCE_ID, "note": f"matched {EVIDENCE_MOBILE}"},
                          ensure_ascii=False)
    people = [{"entity_id": f"P-HOSTILE-{i}", "name": name} for i, name in enumerate(FORMULAS)]
    with driver.session(database=database) as session:
        session.run(
            "MATCH (d:Department) WITH d LIMIT 1 "
            "UNWIND $people AS p CREATE (n:NaturalPerson {entity_id: p.entity_id, "
            "uri: 'https://w3id.org/kglink/id/entity/' + p.entity_id, name: p.name}) "
            "WITH d, collect(n) AS ns WITH d, ns[0] AS n "
            "SET n.id_number = $id, n.id_numbers = $ids, n.phones = ['13912345678'], "
            "n.occupation = $free, n.birth_date = date('1990-03-07') "
            "CREATE (r:SourceRecord {record_key: d.name + ':' + $id, department: d.name, "
            "record_id: $id}) "
            "CREATE (r)-[:REFERS_TO {score: 0.9, evidence: $evidence}]->(n) "
            "CREATE (r)-[:FROM_DEPARTMENT]->(d) "
            "CREATE (c:LegalPerson {entity_id: 'C-HOSTILE', name: '测试有限公司', "
            "uri: 'https://w3id.org/kglink/id/entity/C-HOSTILE', credit_code: $code, "
            "legal_rep_id: $rep}) "
            "CREATE (n)-[:LEGAL_REPRESENTATIVE_OF]->(c)",
            people=people, id=HOSTILE_ID, ids=HOSTILE_IDS, free=f"联系 {FREE_TEXT_MOBILE}",
            evidence=evidence, code=CODE_LIKE_ID, rep=LEGAL_REP_ID).consume()


def _raw_values(spec: Path) -> set[str]:
    """Every ID number, legal representative's ID and mobile of the ingested data."""
    from kglink.api import ingest

    data = ingest(spec)
    values: set[str] = set()
    for frame, columns in ((data.persons, ("id_number", "phone")),
                           (data.organizations, ("legal_rep_id", "phone")),
                           (data.relations, ("from_id", "to_id"))):
        for column in columns:
            if column in frame:
                values |= {v for v in frame[column].dropna().astype(str)
                           if ID_RE.fullmatch(v) or MOBILE_RE.fullmatch(v)}
    return values


@pytest.fixture(scope="module")
def generated(neo4j_target, tmp_path_factory):
    """A generated graph stored by ``kglink run`` in a wiped database, plus hostile values;
    (driver, database, the raw values that must not appear in masked output)."""
    from graph.admin import reset_database
    from loaders.synthetic import generate

    driver, database = neo4j_target
    reset_database(driver, database)
    spec = generate(tmp_path_factory.mktemp("generated"), persons=150, organizations=30)
    ok("run", str(spec), "--quiet")
    _hostile(driver, database)
    raw = _raw_values(spec) | set(HOSTILE_IDS) | {EVIDENCE_ID, EVIDENCE_MOBILE, CODE_LIKE_ID,
                                                  LEGAL_REP_ID, "13912345678", "13800138000"}
    ids = {v for v in raw if ID_RE.fullmatch(v)}
    assert len(ids) > 150 and any(MOBILE_RE.fullmatch(v) for v in raw)
    return driver, database, raw


def assert_no_pii(text: str, raw: set[str], where: str) -> None:
    leaked = sorted(v for v in raw if v in text)
    assert leaked == [], f"{where}: {len(leaked)} raw values, e.g. {leaked[:3]}"
    assert ID_RE.findall(text) == [], where
    assert MOBILE_RE.findall(text) == [], where
    assert "138-0013-8000" not in text, where


def _read_output(path: Path) -> str:
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")


def test_the_graph_holds_the_raw_values_unmasked(generated):
    driver, database, raw = generated
    with driver.session(database=database) as session:
        text = json.dumps([r["p"] for r in session.run(
            "MATCH (n) RETURN properties(n) AS p UNION ALL "
            "MATCH ()-[r]->() RETURN properties(r) AS p")], ensure_ascii=False, default=str)
    assert HOSTILE_ID in text and LEGAL_REP_ID in text and FREE_TEXT_MOBILE in text
    assert len([v for v in raw if v in text]) > 150


def test_masked_html_title_hides_query_parameters(tmp_path):
    import networkx as nx

    from graph.export import export_graph

    g = nx.MultiDiGraph()
    g.add_node("P-1", labels=["NaturalPerson"], entity_id="P-1", name="张三")
    path = export_graph(g, "html", tmp_path / "t.html", mask=True,
                        title=f"search id_number={HOSTILE_ID} phone=13912345678")[0]
    text = path.read_text(encoding="utf-8")
    assert HOSTILE_ID not in text and "13912345678" not in text
    assert "<title>search id_number=110*************34 phone=139******78</title>" in text


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_masked_export_holds_no_ids_or_mobiles(generated, tmp_path, fmt):
    if fmt == "png":
        pytest.skip("a PNG holds pixels, not text: nothing to grep")
    *_, raw = generated
    chosen = FORMATS[fmt]
    path = tmp_path / ("out" + chosen.suffix)
    ok("export", "--cypher", EVERYTHING, "--format", fmt, "--mask-pii", "-o", str(path))
    text = _read_output(path)
    assert_no_pii(text, raw, fmt)
    assert "110*************34" in text and "测试有限公司" in text


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_masked_subgraph_rdf_uses_the_masked_properties_and_passes_shacl(generated, tmp_path,
                                                                        fmt):
    path = tmp_path / ("sub" + FORMATS[fmt].suffix)
    ok("export", "--entity", "P-HOSTILE-0", "--hops", "1", "--format", fmt, "--mask-pii",
       "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert "idNumberMasked" in text and "creditCodeMasked" in text
    assert "birthDateMasked" in text
    assert ok("ontology", "validate", str(path)).stdout.splitlines() == [
        "RDF terms: ok", "SHACL shapes: ok"]


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_ontology_export_mask_pii_holds_no_pii_and_passes_shacl(generated, tmp_path, fmt):
    *_, raw = generated
    path = tmp_path / ("all.ttl" if fmt == "turtle" else "all.jsonld")
    ok("ontology", "export", "--mask-pii", "--format", fmt, "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert_no_pii(text, raw, f"ontology export {fmt}")
    assert "idNumberMasked" in text and "creditCodeMasked" in text
    out = ok("ontology", "validate", str(path))
    assert out.stdout.splitlines() == ["RDF terms: ok", "SHACL shapes: ok"]


def test_rdf_export_without_mask_keeps_the_values(generated, tmp_path):
    path = tmp_path / "plain.ttl"
    ok("ontology", "export", "--entity", "P-HOSTILE-0", "--hops", "1", "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert HOSTILE_ID in text and LEGAL_REP_ID in text and CODE_LIKE_ID in text
    assert "idNumberMasked" not in text


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_cypher_mask_pii_masks_every_returned_value(generated, fmt):
    *_, raw = generated
    out = ok("cypher", "MATCH (n) WHERE NOT n:AdministrativeDivision "
             "OPTIONAL MATCH (n)-[r]->() "
             "RETURN n, r, n.id_number, n.legal_rep_id AS legal_rep_id, n.phones",
             "--format", fmt, "--mask-pii")
    assert_no_pii(out.stdout, raw, f"cypher {fmt}")
    assert "110*************34" in out.stdout


def test_query_run_mask_pii(generated):
    *_, raw = generated
    out = ok("query", "run", "entity-profile", "-p", "entity_id=P-HOSTILE-0", "--format", "json",
             "--mask-pii")
    assert_no_pii(out.stdout, raw, "query run entity-profile")
    assert "110*************34" in out.stdout
    plain = ok("query", "run", "entity-profile", "-p", "entity_id=P-HOSTILE-0", "--format",
               "json")
    assert HOSTILE_ID in plain.stdout


def test_cypher_csv_neutralises_formula_names(generated):
    out = ok("cypher", "MATCH (n:NaturalPerson) WHERE n.entity_id STARTS WITH 'P-HOSTILE' "
             "RETURN n.name AS name, -3.5 AS ratio ORDER BY n.entity_id", "--format", "csv")
    rows = list(csv.reader(out.stdout.splitlines()))
    assert rows == [["name", "ratio"]] + [["'" + name, "-3.5"] for name in FORMULAS]
