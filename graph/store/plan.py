"""Everything one load writes, computed from the ingest and linking output in pandas
before any database work: departments, divisions, entities, source records, relations,
and the relation rows that could not be resolved."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from graph.store.division_rows import division_rows, division_table, finest_known
from graph.store.entity_values import department_ranks, entity_values
from graph.store.fields import KINDS, entity_uri
from graph.store.record_rows import record_keys, record_rows
from graph.store.relation_rows import build_resolver, relation_rows


@dataclass
class GraphPlan:
    """The rows of one load, grouped by what they become in Neo4j."""

    departments: list[str]
    divisions: pd.DataFrame                                       # code, name, level, parent_code
    entities: dict[str, pd.DataFrame] = field(default_factory=dict)  # kind -> entity rows
    records: dict[str, pd.DataFrame] = field(default_factory=dict)   # kind -> record rows
    relations: pd.DataFrame = field(default_factory=pd.DataFrame)
    unresolved: pd.DataFrame = field(default_factory=pd.DataFrame)
    relation_records: pd.DataFrame = field(default_factory=pd.DataFrame)  # relation-table rows

    def assignment(self) -> pd.DataFrame:
        """record_key, entity_id, entity_type of every record in this load."""
        parts = [r[["record_key", "entity_id", "entity_type"]] for r in self.records.values()]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["record_key", "entity_id", "entity_type"])


def row_hashes(frame: pd.DataFrame) -> bytes:
    """The rows' 64-bit hashes as bytes, to feed a digest of a whole frame."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()


def _frame(obj, name: str) -> pd.DataFrame | None:
    frame = getattr(obj, name, None)
    return frame if frame is not None and len(frame) else None


def plan_graph(ingested, linked, department_priority: list[str] | None = None) -> GraphPlan:
    """Compute the load from ``ingested`` (persons, organizations, relations frames) and
    ``linked`` (clusters, links)."""
    clusters = linked.clusters
    keys = record_keys(clusters["department"], clusters["record_id"])
    if keys.duplicated().any():
        raise ValueError(f"linking clusters list record {keys[keys.duplicated()].iloc[0]} "
                         "more than once")
    entity_of = pd.Series(clusters["entity_id"].astype(str).to_numpy(), index=keys.to_numpy())
    kind_of = (pd.Series(clusters["entity_type"].astype(str).to_numpy(),
                         index=clusters["entity_id"].astype(str).to_numpy())
               .groupby(level=0).first())
    links = getattr(linked, "links", None)
    frames = {"person": _frame(ingested, "persons"),
              "organization": _frame(ingested, "organizations")}
    all_departments = pd.concat([f["department"] for f in frames.values() if f is not None]
                                + ([ingested.relations["department"]]
                                   if _frame(ingested, "relations") is not None else []),
                                ignore_index=True).astype(str)
    table = division_table()
    plan = GraphPlan(departments=list(pd.unique(all_departments)), divisions=table)
    used_codes = []
    for kind in KINDS:
        frame = frames[kind]
        if frame is None:
            continue
        own = record_keys(frame["department"], frame["record_id"])
        if own.duplicated().any():
            raise ValueError(f"{kind} record {own[own.duplicated()].iloc[0]} appears twice "
                             "in the input (department + record_id must be unique)")
        rows = record_rows(frame, kind, entity_of, links)
        plan.records[kind] = rows
        values = entity_values(rows, kind,
                               department_ranks(rows["department"], department_priority))
        values["uri"] = entity_uri_series(values["entity_id"])
        if "region_code" in values.columns:
            values["division"] = finest_known(values["region_code"], table)
            used_codes.append(values["division"])
        else:
            values["division"] = pd.NA
        plan.entities[kind] = values
    plan.divisions = division_rows(table, pd.concat(used_codes) if used_codes
                                   else pd.Series(dtype="string"))
    resolver = build_resolver(frames["person"], frames["organization"], entity_of, kind_of)
    result = relation_rows(_frame(ingested, "relations"), frames["organization"], resolver)
    plan.relations, plan.unresolved = result.edges, result.unresolved
    plan.relation_records = result.records
    return plan


def entity_uri_series(entity_ids: pd.Series) -> pd.Series:
    """Stable entity URIs (vectorised ``fields.entity_uri``)."""
    return entity_uri("") + entity_ids.astype(str)
