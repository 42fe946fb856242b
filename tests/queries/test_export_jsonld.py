"""`kglink export --format jsonld` writes the same @context as `kglink ontology export`, and the
export format registry is what the CLI offers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

KGLINK_CONTEXT = {  # ontology/context.jsonld
    "batch": "https://w3id.org/kglink/id/batch/",
    "event": "https://w3id.org/kglink/id/event/",
    "identifier": "https://w3id.org/kglink/id/identifier/",
    "interest": "https://w3id.org/kglink/id/interest/",
    "dept": "https://w3id.org/kglink/id/department/",
    "division": "https://w3id.org/kglink/id/division/",
    "doc": "https://w3id.org/kglink/id/document/",
    "entity": "https://w3id.org/kglink/id/entity/",
    "kg": "https://w3id.org/kglink/ontology#",
    "kgm": "https://w3id.org/kglink/mapping#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "record": "https://w3id.org/kglink/id/record/",
    "relrecord": "https://w3id.org/kglink/id/relation-record/",
    "rel": "https://w3id.org/kglink/id/relationship/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def kglink_json(*args: str) -> dict:
    """Run ``kglink ARGS -o PATH`` (PATH is the last argument) and read PATH as JSON."""
    out = subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                         text=True, env=os.environ.copy(), timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(Path(args[-1]).read_text(encoding="utf-8"))


def test_subgraph_jsonld_has_the_ontology_export_context(known_graph, tmp_path):
    subgraph = kglink_json("export", "--entity", "P-0001", "--hops", "1", "--format", "jsonld",
                           "-o", str(tmp_path / "sub.jsonld"))
    ontology = kglink_json("ontology", "export", "--entity", "P-0001", "--hops", "1",
                           "--format", "jsonld", "-o", str(tmp_path / "onto.jsonld"))
    assert subgraph["@context"] == ontology["@context"] == KGLINK_CONTEXT
    nodes = {node["@id"]: node for node in subgraph["@graph"]}
    person = nodes["entity:P-0001"]
    assert person["@type"] == "kg:NaturalPerson"
    assert person["kg:entityId"] == "P-0001" and person["kg:name"] == "张三"
    assert nodes["entity:C-0004"]["@type"] == "kg:LegalPerson"
    record = "record:" + quote("公安厅户籍:1001", safe="")  # IRIs percent-encode the key
    assert nodes[record]["@type"] == "kg:SourceRecord"


def test_cli_format_choices_are_the_registry():
    from graph.export.registry import FORMATS
    from kglink.cli import build_parser

    assert list(FORMATS) == ["graphml", "gexf", "json", "csv", "turtle", "ntriples",
                             "turtle-star", "ntriples-star", "jsonld", "html", "png"]
    export = build_parser()._subparsers._group_actions[0].choices["export"]
    choices = next(a.choices for a in export._actions if a.dest == "format")
    assert list(choices) == list(FORMATS)
    assert {f: FORMATS[f].suffix for f in FORMATS} == {
        "graphml": ".graphml", "gexf": ".gexf", "json": ".json", "csv": "", "turtle": ".ttl",
        "ntriples": ".nt", "turtle-star": ".ttls", "ntriples-star": ".nts",
        "jsonld": ".jsonld", "html": ".html", "png": ".png"}
