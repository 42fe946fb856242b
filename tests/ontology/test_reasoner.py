"""A DL reasoner (owlready2's Pellet and HermiT, on Java) finds the ontology plus a real export
consistent, and finds the wrong literal types and disjoint kinds the export must never hold.

Dates are ``xsd:date`` literals under ``rdfs:Literal`` ranges (``xsd:date`` is not in the OWL 2
datatype map): Pellet checks them; HermiT is run with ``ignore_unsupported_datatypes`` on data
and strictly on the ontology alone, which names no unsupported datatype.
"""

from __future__ import annotations

import io
import shutil

import pytest
from onto_sample_graph import write_sample_graph
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from graph.rdf_io import export_rdf
from ontology.schema import KG as KG_IRI
from ontology.schema import ontology_graph

owlready2 = pytest.importorskip("owlready2")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java runtime")

KG = Namespace(KG_IRI)
ENTITY = "https://w3id.org/kglink/id/entity/"
RECORD = "https://w3id.org/kglink/id/record/"


def _consistent(data: Graph, tmp_path, reasoner: str) -> bool:
    """Whether ``reasoner`` (pellet | hermit) finds ontology + ``data`` consistent."""
    path = tmp_path / f"{reasoner}.nt"
    (ontology_graph() + data).serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        if reasoner == "pellet":
            owlready2.sync_reasoner_pellet(world, debug=0)
        else:
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


def _real_export(driver, database) -> Graph:
    buf = io.StringIO()
    export_rdf(driver, database, buf, "turtle", progress=False)
    return Graph().parse(data=buf.getvalue(), format="turtle")


def test_hermit_accepts_the_ontology_strictly(tmp_path):
    path = tmp_path / "ontology.nt"
    ontology_graph().serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    owlready2.sync_reasoner_hermit(world, debug=0)  # raises on xsd:date or inconsistency
    assert list(world.inconsistent_classes()) == []


def test_ontology_plus_a_real_export_is_consistent(graph_db, tmp_path):
    driver, database = graph_db
    write_sample_graph(driver, database)
    exported = _real_export(driver, database)
    typed = {o.datatype for o in exported.objects() if isinstance(o, Literal)}
    assert {XSD.date, XSD.dateTime, XSD.decimal} <= typed
    assert _consistent(exported, tmp_path, "pellet")
    assert _consistent(exported, tmp_path, "hermit")


@pytest.mark.parametrize("triple", [
    (URIRef(RECORD + "X"), KG.loadedAt, Literal("2024-01-01 10:30")),          # not a dateTime
    (URIRef(ENTITY + "O-1"), KG.regCapitalAmount, Literal("lots")),          # not a decimal
    (URIRef(ENTITY + "P-1"), RDF.type, KG.LegalPerson),                      # disjoint kinds
], ids=["loadedAt-string", "regCapital-lots", "person-and-company"])
def test_reasoner_rejects_what_the_export_must_never_hold(tmp_path, triple):
    data = Graph()
    data.add((URIRef(ENTITY + "P-1"), RDF.type, KG.NaturalPerson))
    assert _consistent(data, tmp_path, "pellet")
    data.add(triple)
    assert not _consistent(data, tmp_path, "pellet")
