"""YAML for every file kglink reads (SOURCES.yaml, linking settings): safe tags only, and a
budget on aliases and on the document's size once aliases are expanded.

PyYAML's SafeLoader shares an anchored node between its aliases, so a 1.4 KB "billion
laughs" document composes cheaply but expands to 10^9 values as soon as anything walks or
prints it (3 GB and a MemoryError after a minute). The budget is checked on the composed
node graph, before anything is constructed.
"""

from __future__ import annotations

import yaml

MAX_ALIASES = 100            # a spec may share a column map between sources, not more
MAX_EXPANDED_NODES = 100_000  # scalars, lists and maps once every alias is expanded


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents over the alias and expanded-size budgets."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        _check_budget(node)
        return self.construct_document(node)


def load_yaml(text: str, loader: type[BoundedLoader] = BoundedLoader) -> object:
    """Parse one YAML document within the budgets; yaml.YAMLError (one line) otherwise."""
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - loader is a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError("nesting too deep") from None


def _check_budget(root: yaml.Node) -> None:
    """Raise yaml.YAMLError when the node graph has too many aliases (shared nodes) or
    expands to too many nodes; iterative, so deep nesting cannot exhaust the stack."""
    size: dict[int, int] = {}
    seen_parents: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] > MAX_EXPANDED_NODES:
                raise yaml.YAMLError(f"the document expands to more than {MAX_EXPANDED_NODES} "
                                     "values through its aliases (&anchor/*alias); refused")
            continue
        if key in size or key in seen_parents:
            aliases += 1  # a node met again is an alias of an anchored node
            if aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (*alias); refused")
            if key not in size:
                raise yaml.YAMLError("a recursive alias (an anchor used inside itself); refused")
            continue
        seen_parents.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
