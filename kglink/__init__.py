"""kglink: the application shell (CLI, HTTP service, pipeline wiring) over the packages
graph, linking, ontology, loaders and queries."""
