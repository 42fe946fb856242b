"""The write statements of the graph store, built from ontology names only.

Rows travel column-wise: each statement gets ``$c`` (a map of column -> list) and ``$n``
(the row count) and walks ``range(0, $n - 1)``; a property whose column is absent reads as
null, which removes it, so a re-run leaves exactly what the input says.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.cypher_names import quote
from graph.store.fields import entity_fields, entity_label, record_fields
from ontology.schema import labels, load_statuses, props, rels

RUNNING = load_statuses.running  # LoadBatch status (ontology kgc:LoadStatus)
COMPLETE = load_statuses.complete


class CreateOnly(str):
    """A statement that only reads by key and CREATEs (no MERGE, no DELETE): Neo4j takes
    the relationship-chain locks of created relationships at commit, in sorted order, so
    chunks of such a statement over disjoint rows can run in concurrent transactions
    without deadlocks or duplicate-key races."""


@dataclass(frozen=True)
class Rows:
    """How a statement reads its input rows. ``COLUMNS``: the driver's column-wise chunks
    (``$c``, a map of column -> list, and ``$n``; the statement walks ``range(0, $n - 1)``
    as ``i``). ``EVENTS``: the row maps of the Neo4j Connector for Apache Spark, which runs
    ``UNWIND $events AS event`` before the statement; a load's own values (batch,
    loaded_at) then travel as columns of every row."""

    unwind: str
    row: str  # the variable naming one row, carried through WITH and CALL
    column: str  # how one column of the row reads: format(name)
    value: str  # how one of the load's own values reads: format(name)

    def __call__(self, name: str) -> str:
        return self.column.format(name)

    def param(self, name: str) -> str:
        return self.value.format(name)


COLUMNS = Rows("UNWIND range(0, $n - 1) AS i ", "i", "$c.{}[i]", "${}")
EVENTS = Rows("", "event", "event.{}", "event.{}")


def _set(var: str, keys: tuple[str, ...] | list[str], rows: Rows = COLUMNS) -> str:
    return ", ".join(f"{var}.{quote(k)} = {rows(k)}" for k in keys)


def _props(keys: tuple[str, ...] | list[str], rows: Rows = COLUMNS) -> str:
    """``k: $c.k[i], ...`` for a CREATE pattern (a null value leaves the key unset, as a SET
    of null on a new node does)."""
    return ", ".join(f"{quote(k)}: {rows(k)}" for k in keys)


def departments() -> str:
    return (f"UNWIND $c.name AS name "
            f"MERGE (d:{quote(labels.Department)} {{{quote(props.name)}: name}})")


def divisions() -> str:
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MERGE (a:{quote(labels.AdministrativeDivision)} {{{quote(props.code)}: $c.code[i]}}) "
            f"SET a.{quote(props.name)} = $c.name[i], a.{quote(props.level)} = $c.level[i]")


def division_parents() -> str:
    div = quote(labels.AdministrativeDivision)
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MATCH (a:{div} {{{quote(props.code)}: $c.code[i]}}) "
            f"MATCH (p:{div} {{{quote(props.code)}: $c.parent_code[i]}}) "
            f"MERGE (a)-[:{quote(rels.LOCATED_IN)}]->(p)")


def entities(kind: str, fresh: bool = False, rows: Rows = COLUMNS) -> str:
    """MERGE entity nodes, set every entity property, keep one LOCATED_IN (the current).

    ``fresh``: the graph holds no entities yet, so there is no old LOCATED_IN to remove and
    the node and its LOCATED_IN are created without a lookup (a retried chunk whose first
    attempt did commit then fails on the unique constraint instead of duplicating)."""
    label, div = quote(entity_label(kind)), quote(labels.AdministrativeDivision)
    located = quote(rels.LOCATED_IN)
    if fresh:  # no reads after the writes, so the plan has no Eager barrier
        return CreateOnly(
            f"{rows.unwind}"
            f"OPTIONAL MATCH (a:{div} {{{quote(props.code)}: {rows('division')}}}) "
            f"CREATE (e:{label} {{{quote(props.entity_id)}: {rows('entity_id')}}}) "
            f"SET e.{quote(props.uri)} = {rows('uri')}, {_set('e', entity_fields(kind), rows)} "
            f"FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | "
            f"CREATE (e)-[:{located}]->(a))")
    return (f"{rows.unwind}"
            f"OPTIONAL MATCH (a:{div} {{{quote(props.code)}: {rows('division')}}}) "
            f"MERGE (e:{label} {{{quote(props.entity_id)}: {rows('entity_id')}}}) "
            f"SET e.{quote(props.uri)} = {rows('uri')}, {_set('e', entity_fields(kind), rows)} "
            f"WITH e, a, {rows('division')} AS code "
            f"CALL (e, code) {{ OPTIONAL MATCH (e)-[old:{located}]->(x:{div}) "
            f"WHERE code IS NULL OR x.{quote(props.code)} <> code DELETE old }} "
            f"WITH e, a WHERE a IS NOT NULL "
            f"MERGE (e)-[:{located}]->(a)")


def records(kind: str, fresh: bool = False, rows: Rows = COLUMNS) -> str:
    """MERGE SourceRecords; batch/loaded_at change only when the content hash changes;
    FROM_DEPARTMENT; exactly one REFERS_TO, to the record's current entity.

    ``fresh``: the graph holds no records yet, so there is no old REFERS_TO to remove and
    nodes and relationships are created without lookups (a retried chunk whose first attempt
    did commit fails on the unique constraint instead of duplicating).
    Reads (department, entity) come first so the planner needs no eager barriers for them."""
    label = quote(entity_label(kind))
    k = props
    fields = tuple(f for f in record_fields(kind)
                   if f not in (k.department, k.record_id))
    if fresh:  # every record is new: no content-hash read, no cleanup; the properties go
        # in the CREATE pattern, since a SET after the MATCHes makes the plan Eager
        return CreateOnly(
            f"{rows.unwind}"
            f"MATCH (d:{quote(labels.Department)} {{{quote(k.name)}: {rows('department')}}}) "
            f"MATCH (e:{label} {{{quote(k.entity_id)}: {rows('entity_id')}}}) "
            f"CREATE (r:{quote(labels.SourceRecord)} {{{quote(k.record_key)}: {rows('record_key')}, "
            f"{quote(k.department)}: {rows('department')}, {quote(k.record_id)}: {rows('record_id')}, "
            f"{quote(k.source)}: {rows('source')}, {quote(k.line)}: {rows('line')}, "
            f"{quote(k.entity_type)}: {rows('entity_type')}, {_props(fields, rows)}, "
            f"{quote(k.batch)}: {rows.param('batch')}, {quote(k.loaded_at)}: {rows.param('loaded_at')}, "
            f"{quote(k.content_hash)}: {rows('hash')}}}) "
            f"CREATE (r)-[:{quote(rels.FROM_DEPARTMENT)}]->(d) "
            f"CREATE (r)-[:{quote(rels.REFERS_TO)} {{{quote(k.score)}: {rows('score')}, "
            f"{quote(k.evidence)}: {rows('evidence')}}}]->(e) "
            f"RETURN count(*) AS changed")
    return (f"{rows.unwind}"
            f"MATCH (d:{quote(labels.Department)} {{{quote(k.name)}: {rows('department')}}}) "
            f"MATCH (e:{label} {{{quote(k.entity_id)}: {rows('entity_id')}}}) "
            f"MERGE (r:{quote(labels.SourceRecord)} {{{quote(k.record_key)}: {rows('record_key')}}}) "
            f"WITH r, {rows.row}, d, e, coalesce(r.{quote(k.content_hash)} = {rows('hash')}, false) AS same "
            f"SET r.{quote(k.department)} = {rows('department')}, "
            f"r.{quote(k.record_id)} = {rows('record_id')}, "
            f"r.{quote(k.source)} = {rows('source')}, r.{quote(k.line)} = {rows('line')}, "
            f"r.{quote(k.entity_type)} = {rows('entity_type')}, {_set('r', fields, rows)}, "
            f"r.{quote(k.batch)} = CASE WHEN same THEN r.{quote(k.batch)} ELSE {rows.param('batch')} END, "
            f"r.{quote(k.loaded_at)} = "
            f"CASE WHEN same THEN r.{quote(k.loaded_at)} ELSE {rows.param('loaded_at')} END, "
            f"r.{quote(k.content_hash)} = {rows('hash')} "
            f"MERGE (r)-[:{quote(rels.FROM_DEPARTMENT)}]->(d) "
            f"WITH r, {rows.row}, d, e, same "
            f"CALL (r, {rows.row}) {{ OPTIONAL MATCH (r)-[old:{quote(rels.REFERS_TO)}]->(x) "
            f"WHERE x.{quote(k.entity_id)} <> {rows('entity_id')} DELETE old }} "
            f"WITH r, {rows.row}, d, e, same "
            f"MERGE (r)-[t:{quote(rels.REFERS_TO)}]->(e) "
            f"SET t.{quote(k.score)} = {rows('score')}, t.{quote(k.evidence)} = {rows('evidence')} "
            f"RETURN sum(CASE WHEN same THEN 0 ELSE 1 END) AS changed")


# what a RelationRecord states (graph.store.relation_rows.RECORD_COLUMNS, less its key)
RELATION_RECORD_KEYS = (props.department, props.record_id, props.source, props.line,
                        props.relation_type, props.share_ratio, props.share_min,
                        props.share_max, props.start_date, props.end_date, props.roles,
                        props.flags, props.reason)


def relation_records() -> str:
    """MERGE RelationRecords (rows of relation tables) with what each states and
    FROM_DEPARTMENT; batch/loaded_at change only when the content hash changes."""
    k = props
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MATCH (d:{quote(labels.Department)} {{{quote(k.name)}: $c.department[i]}}) "
            f"MERGE (r:{quote(labels.RelationRecord)} {{{quote(k.record_key)}: $c.record_key[i]}}) "
            f"WITH r, i, d, coalesce(r.{quote(k.content_hash)} = $c.hash[i], false) AS same "
            f"SET {_set('r', RELATION_RECORD_KEYS)}, "
            f"r.{quote(k.batch)} = CASE WHEN same THEN r.{quote(k.batch)} ELSE $batch END, "
            f"r.{quote(k.loaded_at)} = CASE WHEN same THEN r.{quote(k.loaded_at)} "
            f"ELSE $loaded_at END, r.{quote(k.content_hash)} = $c.hash[i] "
            f"MERGE (r)-[:{quote(rels.FROM_DEPARTMENT)}]->(d)")


# the properties a relationship between entities carries (every write path writes these)
RELATION_KEYS = (props.department, props.share_ratio, props.share_min, props.share_max,
                 props.start_date, props.end_date, props.roles, props.record_keys)


def relations(rel_type: str, from_kind: str, to_kind: str, fresh: bool = False,
              rows: Rows = COLUMNS) -> str:
    """MERGE one relationship per (from, type, to) with its properties. ``fresh``: the
    graph holds no relations yet and the plan has one row per (from, type, to), so they
    are CREATEd (in concurrent transactions, see ``CreateOnly``)."""
    k = props
    match = (f"{rows.unwind}"
             f"MATCH (a:{quote(entity_label(from_kind))} "
             f"{{{quote(k.entity_id)}: {rows('from_id')}}}) "
             f"MATCH (b:{quote(entity_label(to_kind))} {{{quote(k.entity_id)}: {rows('to_id')}}}) ")
    keys = RELATION_KEYS
    if fresh:
        return CreateOnly(
            match + f"CREATE (a)-[:{quote(getattr(rels, rel_type))} {{{_props(keys, rows)}}}]->(b)")
    return match + f"MERGE (a)-[x:{quote(getattr(rels, rel_type))}]->(b) SET {_set('x', keys, rows)}"


def events(label_name: str) -> str:
    """MERGE history events (ids derived from content); record merged_from on survivors."""
    k = props
    label = quote(getattr(labels, label_name))
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MERGE (v:{label} {{{quote(k.event_id)}: $c.event_id[i]}}) "
            f"ON CREATE SET v.{quote(k.entity_id)} = $c.entity_id[i], "
            f"v.{quote(k.entity_type)} = $c.entity_type[i], "
            f"v.{quote(k.merged_from)} = $c.merged_from[i], "
            f"v.{quote(k.split_into)} = $c.split_into[i], v.{quote(k.reason)} = $c.reason[i], "
            f"v.{quote(k.batch)} = $c.batch[i], v.{quote(k.at)} = $c.at[i]")


def merged_from(kind: str) -> str:
    """Add merged entity ids to a surviving entity's merged_from list (no duplicates)."""
    k = props
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MERGE (e:{quote(entity_label(kind))} "
            f"{{{quote(k.entity_id)}: $c.entity_id[i]}}) "
            f"SET e.{quote(k.merged_from)} = coalesce(e.{quote(k.merged_from)}, []) + "
            f"[x IN $c.merged_from[i] WHERE NOT x IN coalesce(e.{quote(k.merged_from)}, [])]")


def any_entity() -> str:
    return (f"MATCH (e:{quote(labels.NaturalPerson)}) RETURN 1 LIMIT 1 UNION "
            f"MATCH (e:{quote(labels.LegalPerson)}) RETURN 1 LIMIT 1")


def delete_orphans(kind: str) -> str:
    """Remove up to $limit entities of this kind that no SourceRecord refers to."""
    return (f"MATCH (e:{quote(entity_label(kind))}) "
            f"WHERE NOT (e)<-[:{quote(rels.REFERS_TO)}]-() "
            f"WITH e LIMIT $limit DETACH DELETE e RETURN count(*) AS deleted")


def move_relationships(rel_type: str, kind: str, outgoing: bool) -> str:
    """Re-attach an entity's relationships of one type to its successor ($c.old -> $c.new,
    when one entity merges into another outside a load); a relationship between the two
    themselves is dropped, not turned into a self-loop."""
    label, k, t = quote(entity_label(kind)), props, quote(getattr(rels, rel_type))
    arrow = (f"(old)-[x:{t}]->(b)", f"(new)-[y:{t}]->(b)") if outgoing else \
        (f"(b)-[x:{t}]->(old)", f"(b)-[y:{t}]->(new)")
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MATCH (old:{label} {{{quote(k.entity_id)}: $c.old[i]}}) "
            f"MATCH (new:{label} {{{quote(k.entity_id)}: $c.new[i]}}) "
            f"MATCH {arrow[0]} "
            f"FOREACH (_ IN CASE WHEN b = new THEN [] ELSE [1] END | "
            f"MERGE {arrow[1]} SET y += properties(x)) "
            f"DELETE x")


def delete_entities_without_records(kind: str) -> str:
    """Remove the given entities ($c.entity_id) if no SourceRecord refers to them."""
    return (f"UNWIND $c.entity_id AS id "
            f"MATCH (e:{quote(entity_label(kind))} {{{quote(props.entity_id)}: id}}) "
            f"WHERE NOT (e)<-[:{quote(rels.REFERS_TO)}]-() "
            f"DETACH DELETE e")


def stale_relations(rel_type: str) -> str:
    """Relationships of a type with their endpoints and record keys (for stale checks)."""
    k = props
    return (f"MATCH (a)-[x:{quote(getattr(rels, rel_type))}]->(b) "
            f"WHERE x.{quote(k.record_keys)} IS NOT NULL "
            f"RETURN elementId(x) AS id, a.{quote(k.entity_id)} AS from_id, "
            f"b.{quote(k.entity_id)} AS to_id, "
            f"x.{quote(k.record_keys)} AS record_keys")


def delete_relationships_by_id() -> str:
    return "UNWIND $c.id AS id MATCH ()-[x]->() WHERE elementId(x) = id DELETE x"


# -- load manifest (one LoadBatch node per batch) ------------------------------------------
def manifest_open() -> str:
    k = props
    return (f"MERGE (b:{quote(labels.LoadBatch)} {{{quote(k.batch)}: $batch}}) "
            f"ON CREATE SET b.{quote(k.status)} = '{RUNNING}', b.{quote(k.started_at)} = $now, "
            f"b.{quote(k.steps_done)} = [], b.{quote(k.chunk_size)} = $chunk_size "
            f"RETURN b.{quote(k.status)} AS status, b.{quote(k.started_at)} AS started_at, "
            f"b.{quote(k.steps_done)} AS steps_done, b.{quote(k.step)} AS step, "
            f"b.{quote(k.chunks_done)} AS chunks_done, b.{quote(k.chunk_size)} AS chunk_size")


def manifest_chunk() -> str:
    """Checkpoint: the first $chunks_done chunks of $step are in the graph. Concurrent
    chunk transactions commit in any order, so a smaller claim never lowers a larger one."""
    k = props
    return (f"MATCH (b:{quote(labels.LoadBatch)} {{{quote(k.batch)}: $batch}}) "
            f"WHERE b.{quote(k.status)} = '{RUNNING}' "
            f"WITH b, CASE WHEN b.{quote(k.step)} = $step "
            f"THEN coalesce(b.{quote(k.chunks_done)}, 0) "
            f"ELSE 0 END AS before "
            f"SET b.{quote(k.step)} = $step, "
            f"b.{quote(k.chunks_done)} = CASE WHEN before > $chunks_done THEN before "
            f"ELSE $chunks_done END")


def manifest_step_done() -> str:
    k = props
    return (f"MATCH (b:{quote(labels.LoadBatch)} {{{quote(k.batch)}: $batch}}) "
            f"WHERE b.{quote(k.status)} = '{RUNNING}' "
            f"SET b.{quote(k.steps_done)} = b.{quote(k.steps_done)} + $step, "
            f"b.{quote(k.step)} = null, "
            f"b.{quote(k.chunks_done)} = null")


def keep_link_model() -> str:
    """The model a batch applied, kept on its LoadBatch node."""
    return (f"MATCH (b:{quote(labels.LoadBatch)} {{{quote(props.batch)}: $batch}}) "
            f"SET b.{quote(props.link_model)} = $model")


def latest_link_model() -> str:
    """The model of the most recently completed batch that kept one."""
    k = props
    return (f"MATCH (b:{quote(labels.LoadBatch)}) WHERE b.{quote(k.status)} = '{COMPLETE}' "
            f"AND b.{quote(k.link_model)} IS NOT NULL "
            f"RETURN b.{quote(k.link_model)} AS model "
            f"ORDER BY b.{quote(k.completed_at)} DESC LIMIT 1")


def latest_complete_batch() -> str:
    """The batch id of the most recently completed load."""
    k = props
    return (f"MATCH (b:{quote(labels.LoadBatch)}) WHERE b.{quote(k.status)} = '{COMPLETE}' "
            f"RETURN b.{quote(k.batch)} AS batch "
            f"ORDER BY b.{quote(k.completed_at)} DESC, b.{quote(k.batch)} LIMIT 1")


def manifest_complete() -> str:
    k = props
    return (f"MATCH (b:{quote(labels.LoadBatch)} {{{quote(k.batch)}: $batch}}) "
            f"WHERE b.{quote(k.status)} = '{RUNNING}' "
            f"SET b.{quote(k.status)} = '{COMPLETE}', b.{quote(k.completed_at)} = $now, "
            f"b.{quote(k.steps_done)} = null")
