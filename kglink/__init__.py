"""kglink: the application shell (CLI, HTTP service, orchestration) over the packages graph,
linking, ontology, loaders and queries. Its Python API (``kglink.api``) is re-exported here."""

from kglink.api import (
    Resolver,
    RunResult,
    Sources,
    TextLinker,
    connect,
    ingest,
    link,
    link_text,
    load_model,
    load_sources,
    run,
    store,
)

__all__ = ["Resolver", "RunResult", "Sources", "TextLinker", "connect", "ingest", "link",
           "link_text", "load_model", "load_sources", "run", "store"]
