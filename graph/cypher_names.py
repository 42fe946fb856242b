"""Neo4j names as they are written into Cypher text: the one place that does it.

Labels, relationship types and property keys cannot be query parameters, so statements
interpolate them. Every such name goes through ``quote``: it must be one the ontology
declares (``ontology.schema``), and it is backtick-quoted, so no name is ever read as syntax.
"""

from __future__ import annotations

from ontology.schema import labels, props, rels


def quote(name: str) -> str:
    """A declared label, relationship type or property key, quoted for Cypher."""
    if name not in labels and name not in rels and name not in props:
        raise ValueError(f"the ontology declares no label, relationship type or property "
                         f"key {name!r}")
    return "`" + name.replace("`", "``") + "`"
