"""SOURCES.yaml: which department files to load and how their columns map to canonical fields.

`load_spec` validates everything it can before any data is read, so that a typo in a field
name or a column that the file lacks fails at once with a message naming file and key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from loaders.errors import SpecError
from loaders.fields import ENTITY_KINDS, FIELDS
from loaders.limits import MAX_DEPARTMENT_CHARS
from loaders.safe_yaml import BoundedLoader, load_yaml
from loaders.standardise.dates import DATE_FIELDS, TODAY, DateRange, default_ranges

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "parquet", "sql")
ENCODINGS_AUTO = "auto"
_SOURCE_KEYS = {"department", "entity", "format", "path", "url", "table", "query", "encoding",
                "id_column", "columns", "sheet", "name", "dates"}
_RANGE_KEYS = ("earliest", "latest")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Bounds = dict[str, dict[str, dt.date]]  # date field -> {"earliest"|"latest": date}


class _Loader(BoundedLoader):
    """The bounded SafeLoader, leaving dates as the text written, so that a bad date in `dates:` is
    reported with its key by `_bound` instead of failing inside the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@dataclass(frozen=True)
class SourceSpec:
    """One source: a file (or SQL table/query) of one department and one entity kind."""

    department: str
    entity: str
    format: str
    id_column: str
    columns: dict[str, str]          # source column -> canonical field (insertion ordered)
    path: Path | None = None          # file sources
    url: str | None = None            # sql sources
    table: str | None = None
    query: str | None = None
    encoding: str = ENCODINGS_AUTO
    sheet: str | None = None          # xlsx: sheet name (default: the first)
    index: int = 0                    # position in SOURCES.yaml
    spec_file: Path = field(default_factory=Path)
    # plausible range per date field of this entity (defaults < top-level dates: < own dates:)
    dates: dict[str, DateRange] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The source's name in quarantine.csv and the report: its path relative to
        SOURCES.yaml, or the SQL table, or `query`."""
        if self.path is not None:
            try:
                return str(self.path.relative_to(self.spec_file.parent.resolve()))
            except ValueError:
                return str(self.path)
        return self.table or "query"

    @property
    def where(self) -> str:
        """`SOURCES.yaml sources[i]` for error messages."""
        return f"{self.spec_file} sources[{self.index}]"

    def fields_to_columns(self) -> dict[str, list[str]]:
        """canonical field -> source columns mapped to it, in column order."""
        out: dict[str, list[str]] = {}
        for column, name in self.columns.items():
            out.setdefault(name, []).append(column)
        return out


@dataclass(frozen=True)
class SourcesSpec:
    """All sources of one SOURCES.yaml."""

    path: Path
    sources: tuple[SourceSpec, ...]


def load_spec(path: str | Path, check_columns: bool = True) -> SourcesSpec:
    """Read and validate SOURCES.yaml; raise SpecError naming the file and key on any fault.

    With `check_columns`, each source's header (or keys, or table columns) is read to check
    that the id column and every mapped column exist.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: no such file")
    try:
        doc = load_yaml(path.read_text(encoding="utf-8-sig"), _Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list) or not doc["sources"]:
        raise SpecError(f"{path}: expected a top-level key 'sources' with a list of sources")
    today = dt.date.today()
    shared = _date_settings(doc.get("dates"), f"{path} dates", DATE_FIELDS, today)
    _date_ranges(shared, {}, DATE_FIELDS, f"{path} dates", today)  # earliest <= latest
    sources = tuple(_source(path, i, raw, shared, today)
                    for i, raw in enumerate(doc["sources"]))
    if check_columns:
        for source in sources:
            check_source_columns(source)
    return SourcesSpec(path=path, sources=sources)


def check_source_columns(source: SourceSpec) -> None:
    """Raise SpecError when the id column or a mapped column is not in the source."""
    from loaders.readers import source_columns

    existing = source_columns(source)
    for column, key in [(source.id_column, "id_column")] + [
            (c, f"columns.{c}") for c in source.columns]:
        if column not in existing:
            raise SpecError(f"{source.where}.{key}: column {column!r} not in {source.label}; "
                            f"its columns: {', '.join(existing)}")


def _source(spec_file: Path, index: int, raw: object, shared: Bounds,
            today: dt.date) -> SourceSpec:
    where = f"{spec_file} sources[{index}]"
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: expected a mapping of keys, got {type(raw).__name__}")
    unknown = sorted(set(map(str, raw)) - _SOURCE_KEYS)
    if unknown:
        raise SpecError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_SOURCE_KEYS))}")
    for key in ("department", "entity", "format", "id_column", "columns"):
        if raw.get(key) in (None, ""):
            raise SpecError(f"{where}: missing key '{key}'")
    if len(str(raw["department"])) > MAX_DEPARTMENT_CHARS:
        raise SpecError(f"{where}.department: longer than {MAX_DEPARTMENT_CHARS} characters")
    entity = str(raw["entity"])
    if entity not in ENTITY_KINDS:
        raise SpecError(f"{where}.entity: {entity!r} is not one of {', '.join(ENTITY_KINDS)}")
    fmt = str(raw["format"]).lower()
    if fmt not in FORMATS:
        raise SpecError(f"{where}.format: {fmt!r} is not one of {', '.join(FORMATS)}")
    columns = raw["columns"]
    if not isinstance(columns, dict) or not columns:
        raise SpecError(f"{where}.columns: expected a mapping of source column -> field")
    allowed = FIELDS[entity]
    mapped: dict[str, str] = {}
    for column, name in columns.items():
        if str(name) not in allowed:
            raise SpecError(f"{where}.columns.{column}: unknown {entity} field {name!r}; "
                            f"allowed: {', '.join(allowed)}")
        mapped[str(column)] = str(name)
    id_column = str(raw["id_column"])
    if id_column in mapped:
        raise SpecError(f"{where}.id_column: {id_column!r} is the record key; do not also map it "
                        "in columns")
    path = url = table = query = None
    if fmt == "sql":
        url = raw.get("url")
        table, query = raw.get("table"), raw.get("query")
        if not url:
            raise SpecError(f"{where}: missing key 'url' (a SQLAlchemy URL) for format sql")
        if bool(table) == bool(query):
            raise SpecError(f"{where}: format sql needs exactly one of 'table' or 'query'")
        url = _resolve_sqlite_url(spec_file, str(url))
    else:
        if not raw.get("path"):
            raise SpecError(f"{where}: missing key 'path'")
        path = (spec_file.parent / str(raw["path"])).resolve()
        if not path.is_file():
            raise SpecError(f"{where}.path: file not found: {path}")
    encoding = str(raw.get("encoding") or ENCODINGS_AUTO).lower()
    if encoding != ENCODINGS_AUTO:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise SpecError(f"{where}.encoding: unknown encoding {encoding!r}") from None
    own_fields = tuple(name for name in allowed if name in DATE_FIELDS)
    own = _date_settings(raw.get("dates"), f"{where}.dates", own_fields, today, entity)
    return SourceSpec(
        department=str(raw["department"]), entity=entity, format=fmt, id_column=id_column,
        columns=mapped, path=path, url=url, table=str(table) if table else None,
        query=str(query) if query else None, encoding=encoding,
        sheet=str(raw["sheet"]) if raw.get("sheet") else None, index=index,
        spec_file=spec_file,
        dates=_date_ranges(shared, own, own_fields, f"{where}.dates", today))


def _date_settings(raw: object, where: str, allowed: tuple[str, ...], today: dt.date,
                   entity: str | None = None) -> Bounds:
    """Validated `dates:` overrides: field -> the bounds it sets (either or both)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: expected a mapping of date field -> {{earliest, latest}}")
    out: Bounds = {}
    for name, bounds in raw.items():
        key = f"{where}.{name}"
        if str(name) not in allowed:
            kind = f"{entity} date field" if entity else "date field"
            raise SpecError(f"{key}: unknown {kind} {str(name)!r}; allowed: "
                            f"{', '.join(allowed) or '(none)'}")
        if not isinstance(bounds, dict) or not bounds:
            raise SpecError(f"{key}: expected a mapping with earliest and/or latest")
        unknown = sorted(set(map(str, bounds)) - set(_RANGE_KEYS))
        if unknown:
            raise SpecError(f"{key}: unknown key {unknown[0]!r}; allowed: "
                            f"{', '.join(_RANGE_KEYS)}")
        out[str(name)] = {str(k): _bound(v, f"{key}.{k}", str(k) == "latest", today)
                          for k, v in bounds.items()}
    return out


def _bound(value: object, key: str, today_allowed: bool, today: dt.date) -> dt.date:
    """One range bound: a YYYY-MM-DD date, or 'today' (only as latest)."""
    text = str(value).strip() if isinstance(value, str) else None
    if text == TODAY and today_allowed:
        return today
    if text == TODAY:
        raise SpecError(f"{key}: {TODAY!r} is allowed only as latest")
    if text is not None and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    hint = " or 'today'" if today_allowed else ""
    raise SpecError(f"{key}: {value!r} is not a date; expected YYYY-MM-DD{hint}")


def _date_ranges(shared: Bounds, own: Bounds, names: tuple[str, ...], where: str,
                 today: dt.date) -> dict[str, DateRange]:
    """The range of each date field in `names`: defaults, then shared, then own bounds."""
    defaults = default_ranges(today)
    out: dict[str, DateRange] = {}
    for name in names:
        base = defaults[name]
        bounds = {"earliest": base.earliest, "latest": base.latest,
                  **shared.get(name, {}), **own.get(name, {})}
        if bounds["earliest"] > bounds["latest"]:
            raise SpecError(f"{where}.{name}: earliest {bounds['earliest'].isoformat()} is after "
                            f"latest {bounds['latest'].isoformat()}")
        out[name] = DateRange(bounds["earliest"], bounds["latest"])
    return out


def _resolve_sqlite_url(spec_file: Path, url: str) -> str:
    """A relative SQLite path in the URL is relative to SOURCES.yaml, like file paths."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        rel = url[len(prefix):]
        return prefix + str((spec_file.parent / rel).resolve())
    return url
