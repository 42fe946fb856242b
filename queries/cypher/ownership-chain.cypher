// name: ownership-chain
// description.en: Who owns an entity (direction up) or what it owns (direction down) through shareholdings up to `depth` levels; effective ownership multiplies share ratios along each path and adds over paths (unknown ratios count as 0).
// description.zh: 股权链：向上（股东）或向下（投资对象）穿透至 depth 层，沿路径相乘、多路径相加计算实际持股比例。
// param: entity_id: string -- the entity at the start of the chain
// param: depth: int = 5 [1..10] -- how many shareholding levels
// param: direction: enum(up|down) = up -- up: its owners; down: what it owns
// returns: entity_id, labels, name, level, effective_ownership, paths
// entities: entity_id
CALL () {
  MATCH (e:{NaturalPerson} {{entity_id}: $entity_id}) RETURN e
  UNION
  MATCH (e:{LegalPerson} {{entity_id}: $entity_id}) RETURN e
}
CALL (e) {
  MATCH p = (e)<-[:{SHAREHOLDER_OF}*1..{@depth}]-(x)
  WHERE $direction = 'up'
  RETURN p, x
  UNION
  MATCH p = (e)-[:{SHAREHOLDER_OF}*1..{@depth}]->(x)
  WHERE $direction = 'down'
  RETURN p, x
}
WITH e, p, x
WHERE size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
      = size(nodes(p))
WITH x, length(p) AS level,
     reduce(share = 1.0, r IN relationships(p) | share * coalesce(r.{share_ratio}, 0.0)) AS share
WITH x, min(level) AS level, sum(share) AS effective, count(*) AS paths
RETURN x.{entity_id} AS entity_id, labels(x) AS labels, x.{name} AS name, level,
       round(effective, 6) AS effective_ownership, paths
ORDER BY level, effective_ownership DESC, entity_id
