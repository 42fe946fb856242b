"""A small generated graph in the real Neo4j for the text-linking tests: the generator's
sources (300 persons, 60 companies, seed 7) run into a wiped database, the World they were
drawn from, and each true entity's resolved entity id."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

PERSONS, ORGANIZATIONS, SEED = 300, 60, 7


@dataclass
class LinkedGraph:
    driver: object
    database: str
    world: object  # loaders.synthetic.generate.World
    entity_of: dict[str, str]  # true_id -> entity_id (the entity most of its records joined)


@pytest.fixture(scope="module")
def linked_graph(neo4j_target, tmp_path_factory) -> LinkedGraph:
    import kglink
    from graph.admin import reset_database
    from loaders.synthetic.documents import world_of
    from loaders.synthetic.generate import generate

    driver, database = neo4j_target
    reset_database(driver, database)
    out = tmp_path_factory.mktemp("sources")
    spec = generate(out, persons=PERSONS, organizations=ORGANIZATIONS, seed=SEED,
                    formats="fast")
    result = kglink.run(spec, driver=driver, database=database, judgments=())
    truth = pd.concat([pd.read_csv(out / f"truth_{kind}.csv", dtype=str)
                       for kind in ("persons", "organizations")])
    joined = truth.merge(result.linked.clusters, on=["department", "record_id"])
    entity_of = joined.groupby("true_id")["entity_id"].agg(lambda s: s.mode().iloc[0])
    return LinkedGraph(driver, database, world_of(PERSONS, ORGANIZATIONS, SEED),
                       entity_of.to_dict())


@pytest.fixture(scope="module")
def text_linker(linked_graph):
    import kglink

    resolver = kglink.Resolver(driver=linked_graph.driver, database=linked_graph.database)
    return kglink.TextLinker(resolver)
