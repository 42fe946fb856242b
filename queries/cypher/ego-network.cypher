// name: ego-network
// description.en: The entities within `hops` relationships of an entity over the chosen relationship types (party relations by default), with their distance; the entity itself at distance 0.
// description.zh: 关系网络：某实体在指定关系类型上 hops 跳以内的实体及距离（默认只走主体间关系）。
// param: entity_id: string -- the centre entity
// param: hops: int = 2 [1..6] -- how many relationships away
// param: types: reltypes = party -- relationship types to follow (list or comma-separated)
// returns: entity_id, labels, name, distance
// entities: entity_id
CALL () {
  MATCH (e:{NaturalPerson} {{entity_id}: $entity_id}) RETURN e
  UNION
  MATCH (e:{LegalPerson} {{entity_id}: $entity_id}) RETURN e
}
OPTIONAL MATCH p = (e)-[rs*1..{@hops}]-(n)
  WHERE all(r IN rs WHERE type(r) IN $types) AND n <> e
WITH e, n, min(length(p)) AS d
WITH e, collect(CASE WHEN n IS NULL THEN NULL ELSE {node: n, distance: d} END) AS found
UNWIND [{node: e, distance: 0}] + found AS hit
WITH hit.node AS n, hit.distance AS distance
RETURN n.{entity_id} AS entity_id, labels(n) AS labels, n.{name} AS name, distance
ORDER BY distance, entity_id
