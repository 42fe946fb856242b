"""RDF-star output (issue 15 item 6): relationship properties as annotations on the direct
triple, read back by pyoxigraph (the n10s jar for Neo4j 5.26 does not resolve from Maven
Central, so the round trip goes through pyoxigraph's RDF-star parser instead)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph

from ontology.rdf import subgraph_to_rdf, write_networkx
from ontology.rdf_writer import nt_term
from tests.ontology.onto_sample_graph import (
    ENTITY,
    sample_graph,
    sample_networkx,
    write_sample_graph,
)

KG = "https://w3id.org/kglink/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OX_FORMAT = {"turtle-star": ox.RdfFormat.TURTLE, "ntriples-star": ox.RdfFormat.N_TRIPLES}
_STATEMENT_PARTS = {RDF.type, RDF.subject, RDF.predicate, RDF.object}


def _reified_sample() -> Graph:
    nodes, rels = sample_graph()
    return subgraph_to_rdf([(r, {"labels": lbl, **p}) for r, lbl, p in nodes],
                           [(a, b, {"type": t, **p}) for a, t, b, p in rels])


def star_of_reified(reified: Graph) -> set[str]:
    """What the RDF-star form of a reified export must hold, as pyoxigraph prints triples:
    every triple but the statements', and each statement's properties on its quoted triple."""
    statements = set(reified.subjects(RDF.type, RDF.Statement))
    out = {f"{nt_term(s)} {nt_term(p)} {nt_term(o)}" for s, p, o in reified
           if s not in statements}
    for st in statements:
        quoted = "<<" + " ".join(nt_term(reified.value(st, part))
                                 for part in (RDF.subject, RDF.predicate, RDF.object)) + ">>"
        out |= {f"{quoted} {nt_term(p)} {nt_term(o)}"
                for p, o in reified.predicate_objects(st) if p not in _STATEMENT_PARTS}
    return out


def parsed(text: str, fmt: str) -> set[str]:
    """The triples pyoxigraph reads from RDF-star ``text``, printed as N-Triples-star."""
    return {str(t) for t in ox.parse(text.encode("utf-8"), OX_FORMAT[fmt])}


def annotations(triples: set[str], start: str, prop: str, end: str) -> set[str]:
    """The ``predicate object`` parts of the annotations on one quoted triple."""
    quoted = f"<<<{ENTITY}{start}> <{KG}{prop}> <{ENTITY}{end}>>> "
    return {t[len(quoted):] for t in triples if t.startswith(quoted)}


SHARES_P1_O1 = {  # the two SHAREHOLDER_OF P-0001 -> O-0001 share one quoted triple
    f'<{KG}shareRatio> "0.35"^^<{XSD}double>', f'<{KG}shareRatio> "0.05"^^<{XSD}double>',
    f'<{KG}startDate> "2015-06-01"^^<{XSD}date>', f'<{KG}startDate> "2019-01-01"^^<{XSD}date>',
    f'<{KG}endDate> "2020-01-01"^^<{XSD}date>'}


@pytest.mark.parametrize(("fmt", "suffix"), [("turtle-star", "ttls"), ("ntriples-star", "nts")])
def test_star_export_is_the_reified_export_with_annotations(fmt, suffix, tmp_path):
    path = tmp_path / f"sample.{suffix}"
    assert write_networkx(sample_networkx(), path) == fmt  # the suffix picks the star form
    text = path.read_text(encoding="utf-8")
    triples = parsed(text, fmt)
    assert triples == star_of_reified(_reified_sample())
    assert not [t for t in triples if "/id/relationship/" in t or "#Statement>" in t]
    assert annotations(triples, "P-0001", "shareholderOf", "O-0001") == SHARES_P1_O1
    assert annotations(triples, "O-0002", "shareholderOf", "O-0001") == {
        f'<{KG}shareRatio> "0.6"^^<{XSD}double>'}
    # each annotated triple is asserted too (RDF-star quotes do not assert)
    assert f"<{ENTITY}O-0002> <{KG}shareholderOf> <{ENTITY}O-0001>" in triples
    # a relationship without properties has no annotation
    assert annotations(triples, "P-0001", "spouseOf", "P-0002") == set()


def test_turtle_star_groups_the_annotations_of_one_relationship(tmp_path):
    path = tmp_path / "sample.ttls"
    write_networkx(sample_networkx(), path)
    text = path.read_text(encoding="utf-8")
    assert ("<< entity:O-0002 kg:shareholderOf entity:O-0001 >> "
            'kg:shareRatio "0.6"^^xsd:double .\n') in text


def _kglink(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kglink", *args], capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300)


def test_cli_exports_rdf_star_from_neo4j(graph_db, tmp_path):
    driver, database = graph_db
    write_sample_graph(driver, database)
    whole = tmp_path / "all.nts"  # ontology export: the .nts suffix is N-Triples-star
    out = _kglink("ontology", "export", "-o", str(whole))
    assert out.returncode == 0, out.stderr
    assert parsed(whole.read_text(encoding="utf-8"), "ntriples-star") == star_of_reified(
        _reified_sample())
    turtle = tmp_path / "all.ttl"  # --rdf-star turns turtle into Turtle-star
    out = _kglink("ontology", "export", "--format", "turtle", "--rdf-star", "-o", str(turtle))
    assert out.returncode == 0, out.stderr
    assert "as turtle-star" in out.stdout
    assert parsed(turtle.read_text(encoding="utf-8"), "turtle-star") == star_of_reified(
        _reified_sample())

    sub = tmp_path / "sub.ttls"
    out = _kglink("export", "--entity", "O-0001", "--hops", "1", "--format", "turtle",
                  "--rdf-star", "--no-context", "-o", str(sub))
    assert out.returncode == 0, out.stderr
    assert "as turtle-star" in out.stdout
    triples = parsed(sub.read_text(encoding="utf-8"), "turtle-star")
    assert annotations(triples, "P-0001", "shareholderOf", "O-0001") == SHARES_P1_O1
    assert annotations(triples, "P-0001", "legalRepresentativeOf", "O-0001") == {
        f'<{KG}department> "市场监管局"', f'<{KG}startDate> "2015-06-01"^^<{XSD}date>',
        f'<{KG}recordKeys> "市场监管局:E-1"'}


def test_rdf_star_is_refused_where_it_cannot_apply(graph_db, tmp_path):
    driver, database = graph_db
    write_sample_graph(driver, database)
    out = _kglink("export", "--entity", "O-0001", "--format", "jsonld", "--rdf-star",
                  "-o", str(tmp_path / "x.jsonld"))
    assert out.returncode != 0 and not (tmp_path / "x.jsonld").exists()
    assert out.stderr.strip().splitlines() == [
        "kglink: error: --rdf-star applies to turtle and ntriples (or use turtle-star, "
        "ntriples-star), not jsonld"]
    star = tmp_path / "back.ttls"
    write_networkx(sample_networkx(), star)
    out = _kglink("ontology", "import", str(star))
    assert out.returncode != 0
    assert out.stderr.strip().splitlines() == [
        f"kglink: error: {star}: turtle-star cannot be read back: export without --rdf-star "
        "(relationship properties as rdf:Statement) to import or validate"]


def test_export_rdf_streams_star_pages(graph_db):
    from graph.rdf_io import export_rdf

    driver, database = graph_db
    write_sample_graph(driver, database)
    buf = io.StringIO()
    stats = export_rdf(driver, database, buf, "nt", page_size=2, progress=False, rdf_star=True)
    assert stats.format == "ntriples-star"
    assert parsed(buf.getvalue(), "ntriples-star") == star_of_reified(_reified_sample())
