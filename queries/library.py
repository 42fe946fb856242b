"""The Cypher query library: one ``.cypher`` file per query under ``queries/cypher/``.

Each file starts with a header of ``// key: value`` comment lines::

    // name: ego-network
    // description.en: Entities within `hops` relationships of an entity.
    // description.zh: 某实体 hops 跳以内的实体。
    // param: entity_id: string -- the centre entity (no default: required)
    // param: hops: int = 2 [1..6] -- how many relationships away
    // param: types: reltypes = party -- relationship types to follow
    // returns: entity_id, labels, name, distance
    // entities: entity_id

Cypher files cannot import Python, so every label, relationship type and property key is a
placeholder ``{NaturalPerson}``, ``{REFERS_TO}``, ``{entity_id}`` that the loader fills from
``ontology.schema`` (an undeclared name fails at load time). Values are ``$parameters``.
Cypher forbids parameters in variable-length bounds (``*1..3``), so an ``int`` parameter with
a declared range may also appear as ``{@name}``: the loader inlines the validated integer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ontology.schema import party_relationships

if TYPE_CHECKING:
    from neo4j import Driver

    from queries.runner import Result

CYPHER_DIR = Path(__file__).with_name("cypher")
PARAM_TYPES = ("string", "int", "float", "reltypes")

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BOUND = re.compile(r"\{@([A-Za-z_][A-Za-z0-9_]*)\}")
_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>string|int|float|reltypes|enum\([^)]*\))"
    r"\s*(?:=\s*(?P<default>[^\[-]+?))?\s*(?:\[(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\])?"
    r"\s*(?:--\s*(?P<help>.*))?$")


class QueryError(ValueError):
    """A library query is unknown, malformed, or called with bad parameters."""


@dataclass(frozen=True)
class Param:
    """One typed query parameter."""

    name: str
    type: str  # string | int | float | reltypes | enum
    default: Any = None
    required: bool = True
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def convert(self, query: str, value: Any) -> Any:
        """``value`` checked and converted to this parameter's type (CLI strings accepted)."""
        where = f"query {query!r} parameter {self.name!r}"
        if self.type == "string":
            return str(value)
        if self.type == "reltypes":
            return _reltypes(where, value)
        if self.type == "enum":
            if str(value) not in self.choices:
                raise QueryError(f"{where}: {value!r} is not one of {', '.join(self.choices)}")
            return str(value)
        try:
            number = int(value) if self.type == "int" else float(value)
        except (TypeError, ValueError):
            raise QueryError(f"{where}: {value!r} is not a{'n' if self.type == 'int' else ''} "
                             f"{self.type}") from None
        if self.type == "int" and isinstance(value, float) and value != number:
            raise QueryError(f"{where}: {value!r} is not an int")
        if (self.low is not None and number < self.low) or (
                self.high is not None and number > self.high):
            raise QueryError(f"{where}: {number} is outside {self.low}..{self.high}")
        return number

    def describe(self) -> str:
        """``name: type = default [lo..hi]`` for listings."""
        text = f"{self.name}: {self.type}"
        if self.choices:
            text += f"({'|'.join(self.choices)})"
        if not self.required:
            text += f" = {'party' if self.type == 'reltypes' else self.default}"
        if self.low is not None:
            text += f" [{self.low}..{self.high}]"
        return text


def _reltypes(where: str, value: Any) -> list[str]:
    from ontology.schema import rels

    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not value:
        raise QueryError(f"{where}: give relationship types as a list or comma-separated text")
    bad = [v for v in value if v not in rels]
    if bad:
        raise QueryError(f"{where}: undeclared relationship type(s) {', '.join(map(str, bad))}; "
                         f"declared: {', '.join(rels)}")
    return [str(v) for v in value]


@dataclass(frozen=True)
class Query:
    """A library query: metadata from the header and the Cypher with names filled in."""

    name: str
    description_en: str
    description_zh: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    entities: tuple[str, ...]  # columns holding entity ids (for `kglink export --query`)
    template: str = field(repr=False)
    path: Path = field(repr=False)

    def bind(self, given: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """The executable Cypher and its parameters: defaults applied, types checked."""
        given = dict(given or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(unknown)}; "
                             f"its parameters: {', '.join(sorted(known)) or 'none'}")
        values: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                values[p.name] = p.convert(self.name, given[p.name])
            elif p.required:
                raise QueryError(f"query {self.name!r} needs parameter {p.name!r} "
                                 f"(-p {p.name}=...)")
            elif p.type == "reltypes":
                values[p.name] = list(party_relationships())
            else:
                values[p.name] = p.convert(self.name, p.default)

        def inline(match: re.Match) -> str:
            return str(int(values[match.group(1)]))

        return _BOUND.sub(inline, self.template), values


def fill_names(template: str, where: str) -> str:
    """Replace ``{Name}`` placeholders with ontology names, quoted as every name in kglink's
    Cypher is (``graph.cypher_names``); fail on an undeclared one."""
    from graph.cypher_names import quote

    def name(match: re.Match) -> str:
        word = match.group(1)
        try:
            return quote(word)
        except ValueError:
            raise QueryError(f"{where}: {{{word}}} is not a label, relationship type or "
                             "property key declared in the ontology") from None

    return _PLACEHOLDER.sub(name, template)


def parse_query_file(path: Path) -> Query:
    """One ``.cypher`` file to a ``Query``; errors name the file and line."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {}
    params: list[Param] = []
    body_start = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body_start = number - 1
            break
        key, sep, value = stripped[2:].strip().partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "param":
            params.append(_parse_param(value, f"{path}:{number}"))
        else:
            meta.setdefault(key, []).append(value)
    else:
        body_start = len(lines)
    for required in ("name", "description.en", "description.zh", "returns"):
        if required not in meta:
            raise QueryError(f"{path}: header lacks '// {required}: ...'")
    name = meta["name"][0]
    body = "\n".join(lines[body_start:]).strip()
    if not body:
        raise QueryError(f"{path}: no Cypher after the header")
    declared = {p.name for p in params}
    for bound in _BOUND.findall(body):
        p = next((p for p in params if p.name == bound), None)
        if p is None or p.type != "int" or p.low is None:
            raise QueryError(f"{path}: {{@{bound}}} needs an int parameter with a [lo..hi] range")
    for used in set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", body)) - declared:
        raise QueryError(f"{path}: ${used} is used but not declared as a parameter")
    return Query(
        name=name, description_en=meta["description.en"][0],
        description_zh=meta["description.zh"][0], params=tuple(params),
        returns=tuple(c.strip() for c in meta["returns"][0].split(",")),
        entities=tuple(c.strip() for c in ",".join(meta.get("entities", [])).split(",")
                       if c.strip()),
        template=fill_names(body, str(path)), path=path)


def _parse_param(text: str, where: str) -> Param:
    m = _PARAM.match(text)
    if not m:
        raise QueryError(f"{where}: bad parameter declaration {text!r} "
                         "(want 'name: type [= default] [lo..hi] [-- help]')")
    kind, default = m.group("type"), m.group("default")
    choices: tuple[str, ...] = ()
    if kind.startswith("enum("):
        choices = tuple(c.strip() for c in kind[5:-1].split("|") if c.strip())
        kind = "enum"
    lo, hi = m.group("lo"), m.group("hi")
    param = Param(name=m.group("name"), type=kind, required=default is None,
                  low=int(lo) if lo else None, high=int(hi) if hi else None,
                  choices=choices, help=(m.group("help") or "").strip())
    if default is not None:
        default = default.strip()
        if kind != "reltypes":
            try:
                default = json.loads(default)
            except ValueError:
                pass
            try:
                default = param.convert(m.group("name"), default)
            except QueryError as exc:
                raise QueryError(f"{where}: bad default: {exc}") from None
        elif default != "party":
            raise QueryError(f"{where}: a reltypes default must be 'party'")
        param = Param(**{**param.__dict__, "default": default})
    return param


@cache
def library(directory: Path = CYPHER_DIR) -> dict[str, Query]:
    """Every query of the library by name (files parsed once)."""
    found: dict[str, Query] = {}
    for path in sorted(directory.glob("*.cypher")):
        query = parse_query_file(path)
        if query.name in found:
            raise QueryError(f"{path}: query name {query.name!r} also in {found[query.name].path}")
        found[query.name] = query
    return found


def get_query(name: str) -> Query:
    """The library query called ``name``; the error lists the known names."""
    queries = library()
    if name not in queries:
        raise QueryError(f"no library query {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]


def run_query(driver: Driver, database: str, name: str, params: dict[str, Any] | None = None,
              timeout: float = 60.0, limit: int = 10_000) -> Result:
    """Run library query ``name`` read-only with ``params`` (defaults applied)."""
    from queries.runner import run_read

    cypher, values = get_query(name).bind(params)
    return run_read(driver, database, cypher, values, timeout=timeout, limit=limit)
