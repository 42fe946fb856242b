// name: shortest-path
// description.en: A shortest path between two entities over the chosen relationship types (party relations by default), up to `max_hops` relationships, direction ignored.
// description.zh: 最短路径：两实体之间在指定关系类型上的最短关联路径（不计方向）。
// param: source_id: string -- the entity id at one end
// param: target_id: string -- the entity id at the other end
// param: max_hops: int = 6 [1..15] -- the longest path considered
// param: types: reltypes = party -- relationship types to follow (list or comma-separated)
// returns: length, entity_ids, names, relationships
// entities: entity_ids
CALL () {
  MATCH (a:{NaturalPerson} {{entity_id}: $source_id}) RETURN a
  UNION
  MATCH (a:{LegalPerson} {{entity_id}: $source_id}) RETURN a
}
CALL () {
  MATCH (b:{NaturalPerson} {{entity_id}: $target_id}) RETURN b
  UNION
  MATCH (b:{LegalPerson} {{entity_id}: $target_id}) RETURN b
}
WITH a, b WHERE a <> b
MATCH p = shortestPath((a)-[rs*1..{@max_hops}]-(b))
WHERE all(r IN rs WHERE type(r) IN $types)
RETURN length(p) AS length,
       [n IN nodes(p) | n.{entity_id}] AS entity_ids,
       [n IN nodes(p) | n.{name}] AS names,
       [r IN relationships(p) | type(r)] AS relationships
