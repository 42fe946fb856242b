"""The ontology's classes and hierarchy in Neo4j: Cypher finds every kind of party through
SUBCLASS_OF; the declared-names check reads what the database really holds."""

from __future__ import annotations

from onto_sample_graph import write_sample_graph

from graph.ontology_store import (
    count_by_kind,
    kind_query,
    labels_under,
    load_ontology,
    undeclared_in_database,
)
from ontology.catalogue import classes


def test_load_is_idempotent_and_keeps_the_hierarchy(graph_db):
    driver, database = graph_db
    assert load_ontology(driver, database) == len(classes())
    assert load_ontology(driver, database) == len(classes())
    rows = driver.execute_query(
        "MATCH (c:OntologyClass) RETURN count(c) AS n, "
        "count{ MATCH (:OntologyClass)-[:SUBCLASS_OF]->(:OntologyClass) } AS e",
        database_=database).records[0]
    assert rows["n"] == len(classes())
    assert rows["e"] == sum(len(c.parents) for c in classes())
    person = driver.execute_query(
        "MATCH (c:OntologyClass {name: 'NaturalPerson'})-[:SUBCLASS_OF]->(p) "
        "RETURN c.label_zh AS zh, c.neo4j_label AS label, collect(p.name) AS parents",
        database_=database).records[0]
    assert person["zh"] == "自然人" and person["label"] == "NaturalPerson"
    assert {"Party", "foaf:Person", "person:Person", "schema:Person"} <= set(person["parents"])


def test_every_kind_of_party_through_the_hierarchy(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    load_ontology(driver, database)
    assert labels_under(driver, database, "Party") == [
        "Enterprise", "IndividualBusiness", "LegalPerson", "NaturalPerson",
        "PublicInstitution", "SocialOrganisation"]
    assert count_by_kind(driver, database, "Party") == {
        "Enterprise": 1, "IndividualBusiness": 1, "LegalPerson": 3, "NaturalPerson": 4,
        "SocialOrganisation": 1}
    # an aligned vocabulary's class reaches ours too: every foaf:Agent
    records = driver.execute_query(kind_query(), {"class": "foaf:Agent"},
                                   database_=database).records
    assert len(records) == 7
    assert count_by_kind(driver, database, "LegalPerson")["LegalPerson"] == 3
    assert "NaturalPerson" not in count_by_kind(driver, database, "LegalPerson")


def test_undeclared_names_in_the_database(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    load_ontology(driver, database)
    assert undeclared_in_database(driver, database) == []
    driver.execute_query("CREATE (:Stray {nick: 'x'})-[:KNOWS {since: 1}]->(:NaturalPerson "
                         "{entity_id: 'P-9'})", database_=database)
    assert undeclared_in_database(driver, database) == [
        "label Stray", "relationship type KNOWS", "property key nick", "property key since"]
