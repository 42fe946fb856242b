"""The graph store: resolved entities, their source records, divisions and relations written
to Neo4j idempotently, incrementally and resumably (see ``graph.store.write``)."""

from graph.store.previous import read_previous_clusters
from graph.store.write import WriteSummary, write_graph

__all__ = ["WriteSummary", "read_previous_clusters", "write_graph"]
