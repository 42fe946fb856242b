// name: beneficial-owners
// description.en: The natural persons whose effective ownership of an entity (share ratios multiplied along every shareholding path and added over paths) is at least `threshold`.
// description.zh: 受益所有人：穿透计算后实际持股比例不低于阈值（默认25%）的自然人。
// param: entity_id: string -- the company
// param: threshold: float = 0.25 -- the least effective ownership (0..1)
// param: max_depth: int = 10 [1..15] -- how many shareholding levels to follow
// returns: entity_id, name, effective_ownership, paths, shortest_level
// entities: entity_id
CALL () {
  MATCH (e:{NaturalPerson} {{entity_id}: $entity_id}) RETURN e
  UNION
  MATCH (e:{LegalPerson} {{entity_id}: $entity_id}) RETURN e
}
MATCH p = (e)<-[:{SHAREHOLDER_OF}*1..{@max_depth}]-(owner:{NaturalPerson})
WHERE size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
      = size(nodes(p))
WITH owner, length(p) AS level,
     reduce(share = 1.0, r IN relationships(p) | share * coalesce(r.{share_ratio}, 0.0)) AS share
WITH owner, sum(share) AS effective, count(*) AS paths, min(level) AS shortest_level
WHERE effective >= $threshold - 1e-9
RETURN owner.{entity_id} AS entity_id, owner.{name} AS name,
       round(effective, 6) AS effective_ownership, paths, shortest_level
ORDER BY effective_ownership DESC, entity_id
