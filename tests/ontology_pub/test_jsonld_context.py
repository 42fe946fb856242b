"""One published JSON-LD context (ontology/context.jsonld) for both JSON-LD exports; the
JSON-LD of each expands to exactly the triples of the Turtle export of the same graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from ontology.rdf_mapping import ID_BASE, RELATIONSHIP_BASE, rdf_mapping
from ontology.rdf_writer import PREFIXES, jsonld_context
from ontology.schema import KG, KGM
from tests.ontology.onto_sample_graph import write_sample_graph

CONTEXT_FILE = Path(__file__).parents[2] / "ontology" / "context.jsonld"
DOCUMENT = "https://w3id.org/kglink/id/document/"


def _published() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def test_the_published_context_is_what_the_writers_use():
    published = _published()
    assert published == {
        "kg": "https://w3id.org/kglink/ontology#", "kgm": "https://w3id.org/kglink/mapping#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        **{name: f"https://w3id.org/kglink/id/{path}/" for name, path in (
            ("entity", "entity"), ("record", "record"), ("relrecord", "relation-record"),
            ("dept", "department"),
            ("division", "division"), ("doc", "document"), ("rel", "relationship"),
            ("batch", "batch"), ("event", "event"), ("identifier", "identifier"),
            ("interest", "interest"))}}
    assert jsonld_context() == published
    assert PREFIXES == published  # the Turtle prefixes are the context's prefixes
    assert published["kg"] == KG and published["kgm"] == KGM
    assert published["rel"] == RELATIONSHIP_BASE
    # every class's IRI template starts with a prefix of the context, so IRIs compact
    prefixes = {iri for name, iri in published.items() if iri.startswith(ID_BASE)}
    starts = {t.prefix for t in rdf_mapping().templates.values()}
    assert [s for s in starts if not any(s.startswith(p) for p in prefixes)] == []


def _kglink(*args: str) -> None:
    out = subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                         text=True, env=os.environ.copy(), timeout=300)
    assert out.returncode == 0, out.stderr


def _jsonld(path: Path) -> tuple[dict, Graph]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc, Graph().parse(data=json.dumps(doc), format="json-ld")


def test_both_jsonld_exports_carry_the_context_and_expand_to_the_turtle(graph_db, tmp_path):
    driver, database = graph_db
    write_sample_graph(driver, database)
    sub = ("export", "--entity", "P-0001", "--hops", "1")
    _kglink(*sub, "--format", "jsonld", "-o", str(tmp_path / "sub.jsonld"))
    _kglink(*sub, "--format", "turtle", "-o", str(tmp_path / "sub.ttl"))
    _kglink("ontology", "export", "-o", str(tmp_path / "all.jsonld"))
    _kglink("ontology", "export", "-o", str(tmp_path / "all.ttl"))
    for name in ("sub", "all"):
        doc, expanded = _jsonld(tmp_path / f"{name}.jsonld")
        assert doc["@context"] == _published()
        turtle = Graph().parse(tmp_path / f"{name}.ttl", format="turtle")
        assert len(expanded) == len(turtle) > 100
        assert isomorphic(expanded, turtle)
        # compact: node ids and property names are the context's prefixed names (a
        # document's IRI, ending in its percent-encoded address, stays whole)
        prefixes = tuple(f"{name}:" for name in _published())
        for node in doc["@graph"]:
            assert node["@id"].startswith((*prefixes, DOCUMENT)), node["@id"]
            assert [k for k in node if not k.startswith(("@", *prefixes))] == []
        nodes = {n["@id"]: n for n in doc["@graph"]}
        assert nodes["entity:P-0001"]["kg:name"] == "张三"
