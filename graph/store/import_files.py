"""The CSV files of ``neo4j-admin database import`` for one load plan: the same nodes,
relationships and properties the Cypher statements in ``graph.store.cypher`` write into an
empty graph, as typed-header CSV (written with pyarrow, no Python loop over rows).

Nodes get import ID groups named after their label (entity_id, record_key, department
name, division code), so relationships name their endpoints by those keys.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graph.store.cypher import RELATION_KEYS
from graph.store.fields import entity_fields, entity_label, record_fields
from graph.store.identifier_rows import identifier_rows
from graph.store.plan import GraphPlan
from ontology.schema import labels, props, rels

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never part of a standardised value


class ImportFilesError(ValueError):
    """The plan holds a value the import CSV cannot carry (load with --bulk-import never)."""


@dataclass
class ImportFiles:
    """Files written for one import, and what they hold."""

    directory: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)          # label, file
    relationships: list[tuple[str, Path]] = field(default_factory=list)  # type, file
    node_count: int = 0
    relationship_count: int = 0
    property_count: int = 0
    multiline: bool = False

    def arguments(self) -> list[str]:
        """The file arguments of ``neo4j-admin database import full``."""
        return ([f"--nodes={label}={path}" for label, path in self.nodes]
                + [f"--relationships={kind}={path}" for kind, path in self.relationships]
                + [f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
                   f"--multiline-fields={'true' if self.multiline else 'false'}"])


def write_import_files(plan: GraphPlan, directory: Path, batch: str,
                       loaded_at: str) -> ImportFiles:
    """Write the whole plan of a first load into ``directory`` (emptied first)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    out = ImportFiles(directory)
    k = props
    division, department = labels.AdministrativeDivision, labels.Department
    writer = _Writer(out)

    writer.nodes(department, pd.DataFrame({k.name: plan.departments}), k.name)
    divisions = plan.divisions[["code", "name", "level"]].rename(
        columns={"code": k.code, "name": k.name, "level": k.level})
    writer.nodes(division, divisions, k.code)
    codes = set(plan.divisions["code"])
    parents = plan.divisions[plan.divisions["parent_code"].isin(codes)]
    writer.relationships(rels.LOCATED_IN, division, division, parents["code"],
                            parents["parent_code"])

    for kind, frame in plan.entities.items():
        label = entity_label(kind)
        keys = [k.uri, *(f for f in entity_fields(kind) if f in frame.columns)]
        writer.nodes(label, frame[[k.entity_id, *keys]], k.entity_id)
        located = frame[frame["division"].isin(codes)]
        writer.relationships(rels.LOCATED_IN, label, division, located[k.entity_id],
                                located["division"])

    for kind, frame in plan.records.items():
        label = entity_label(kind)
        fields = [f for f in record_fields(kind)
                  if f in frame.columns and f not in (k.department, k.record_id)]
        nodes = frame[[k.record_key, k.department, k.record_id, k.source, k.line,
                       k.entity_type, *fields]].copy()
        nodes[k.batch] = batch
        nodes[k.loaded_at] = loaded_at
        nodes[k.content_hash] = frame["hash"]
        writer.nodes(labels.SourceRecord, nodes, k.record_key, name=f"records_{kind}")
        writer.relationships(rels.FROM_DEPARTMENT, labels.SourceRecord, department,
                                frame[k.record_key], frame[k.department],
                                name=f"from_department_{kind}")
        writer.relationships(rels.REFERS_TO, labels.SourceRecord, label,
                                frame[k.record_key], frame["entity_id"],
                                frame[[k.score, k.evidence]], name=f"refers_to_{kind}")

    _identifiers(writer, plan, codes)
    if not plan.relations.empty:
        relation_props = list(RELATION_KEYS)
        # one relationship per (type, from, to), as MERGE makes it: the last row wins
        unique = plan.relations.drop_duplicates(["type", "from_id", "to_id"], keep="last")
        for (rel_type, from_kind, to_kind), frame in unique.groupby(
                ["type", "from_kind", "to_kind"], sort=True):
            writer.relationships(getattr(rels, rel_type), entity_label(from_kind),
                                    entity_label(to_kind), frame["from_id"], frame["to_id"],
                                    frame[relation_props])
    return out


def _identifiers(writer: _Writer, plan: GraphPlan, codes: set[str]) -> None:
    """Identifier nodes, IDENTIFIED_BY from records and their entities, ISSUED_IN to the
    divisions the graph holds: what ``graph.store.identifiers`` writes into an empty graph."""
    rows = identifier_rows(plan.records)
    if rows.nodes.empty:
        return
    key, ident = props.identifier_key, labels.Identifier
    writer.nodes(ident, rows.nodes, key)
    writer.relationships(rels.IDENTIFIED_BY, labels.SourceRecord, ident,
                         rows.records["record_key"], rows.records[key],
                         name="identified_by_records")
    for kind, frame in rows.entities.groupby("entity_type", sort=True):
        writer.relationships(rels.IDENTIFIED_BY, entity_label(kind), ident, frame["entity_id"],
                             frame[key], name=f"identified_by_{kind}")
    issued = rows.nodes[rows.nodes[props.issuer].isin(codes).fillna(False)]
    writer.relationships(rels.ISSUED_IN, ident, labels.AdministrativeDivision, issued[key],
                         issued[props.issuer])


class _Writer:
    """Writes one typed CSV per node label / relationship group into ``files``."""

    def __init__(self, files: ImportFiles) -> None:
        self.files = files

    def nodes(self, label: str, frame: pd.DataFrame, id_key: str, name: str | None = None
              ) -> None:
        table = _table(frame)
        headers = [f"{id_key}:ID({label})" if column == id_key else _header(column, kind)
                   for column, kind in zip(table.column_names, table.schema.types, strict=True)]
        path = self._write(f"nodes_{name or label}.csv", headers, table, id_columns=1)
        self.files.nodes.append((label, path))
        self.files.node_count += table.num_rows

    def relationships(self, rel_type: str, start_group: str, end_group: str, start: pd.Series,
                      end: pd.Series, properties: pd.DataFrame | None = None,
                      name: str | None = None) -> None:
        frame = pd.DataFrame({":START_ID": start.to_numpy(), ":END_ID": end.to_numpy()})
        if properties is not None:
            frame = pd.concat([frame, properties.reset_index(drop=True)], axis=1)
        table = _table(frame)
        headers = [f":START_ID({start_group})", f":END_ID({end_group})"] + [
            _header(column, kind)
            for column, kind in zip(table.column_names[2:], table.schema.types[2:], strict=True)]
        path = self._write(f"rels_{name or f'{rel_type}_{start_group}_{end_group}'}.csv",
                           headers, table, id_columns=2)
        self.files.relationships.append((rel_type, path))
        self.files.relationship_count += table.num_rows

    def _write(self, file_name: str, headers: list[str], table: pa.Table, id_columns: int
               ) -> Path:
        """One CSV with its typed header (its path); tallies properties and multi-line
        values."""
        path = self.files.directory / file_name
        if path.exists():
            raise FileExistsError(f"{path} written twice in one import")
        table = table.rename_columns(headers)
        for column in table.columns:
            if pa.types.is_string(column.type) and pc.any(
                    pc.match_substring_regex(column, "[\r\n]")).as_py():
                self.files.multiline = True
        self.files.property_count += sum(c.length() - c.null_count
                                         for c in table.columns[id_columns:])
        if id_columns == 1:  # a node's :ID column is stored as a property too
            self.files.property_count += table.num_rows
        pacsv.write_csv(table, path)
        return path


def _table(frame: pd.DataFrame) -> pa.Table:
    """Arrow columns with the types the Cypher path stores; list columns joined with the
    array delimiter; all-null columns dropped (a null property is not stored)."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    columns, names = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if column.null_count == len(column) and not name.startswith(":"):
            continue
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            values = pc.list_flatten(column)
            if pc.any(pc.match_substring(values.cast(pa.string()), ARRAY_DELIMITER)).as_py():
                raise ImportFilesError(f"a value of {name} contains the import array delimiter "
                                       "U+001F: load with --bulk-import never")
            column = pc.binary_join(column.cast(pa.list_(pa.string())), ARRAY_DELIMITER)
            name = name + "\0list"
        elif pa.types.is_null(column.type):
            column = column.cast(pa.string())
        columns.append(column)
        names.append(name)
    return pa.table(columns, names=names)


_TYPES = (
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_integer, "long"),
    (pa.types.is_floating, "double"),
)


def _header(column: str, kind: pa.DataType) -> str:
    """``key:type`` for the import header (strings need no type)."""
    if column.endswith("\0list"):
        return column[:-len("\0list")] + ":string[]"
    if column.startswith(":"):
        return column
    for test, name in _TYPES:
        if test(kind):
            return f"{column}:{name}"
    return column
