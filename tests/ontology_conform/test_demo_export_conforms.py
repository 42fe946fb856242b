"""A real demo load (``kglink demo``: generated sources with their planted faults, ingest,
linking, the graph store) exported as RDF conforms to the shapes, including the ID-number
checksum, birth-date and region checks on every entity and record."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef

from graph.rdf_io import export_rdf
from ontology.validation import validate

KG = "https://w3id.org/kglink/ontology#"
KGLINK = str(Path(sys.executable).with_name("kglink"))


def test_a_300_person_demo_export_conforms(graph_db, tmp_path):
    driver, database = graph_db
    run = subprocess.run([KGLINK, "demo", "--persons", "300", "--organizations", "60",
                          "--out", str(tmp_path / "demo")],
                         capture_output=True, text=True, env=os.environ, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    buf = io.StringIO()
    export_rdf(driver, database, buf, "nt", progress=False)
    g = Graph().parse(data=buf.getvalue(), format="nt")
    persons = set(g.subjects(RDF.type, URIRef(KG + "NaturalPerson")))
    assert len(persons) == 300  # the generator's 300 people, each one entity
    # the planted bad ID numbers are in the export, flagged on their records
    flagged = set(g.subjects(URIRef(KG + "idValid"), Literal(False)))
    assert len(flagged) == 8
    assert validate(g).messages == []
