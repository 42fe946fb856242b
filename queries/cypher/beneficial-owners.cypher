// name: beneficial-owners
// description.en: The natural persons whose effective ownership of an entity (shares multiplied along every chain of interests of `interest_type` and added over chains) is at least `threshold`. A share given as a range counts at its minimum, so every owner listed holds at least the share shown.
// description.zh: 受益所有人：沿 interest_type 类权益（默认持股）穿透，逐层相乘、多路径相加，实际持股比例不低于阈值（默认25%）的自然人；区间持股按下限计，所列比例均为至少持有的比例。
// param: entity_id: string -- the company
// param: threshold: float = 0.25 -- the least effective ownership (0..1)
// param: max_depth: int = 10 [1..15] -- how many levels of interests to follow
// param: interest_type: enum(shareholding|votingRights) = shareholding -- which interests count (kgc:InterestType)
// returns: entity_id, name, effective_ownership, paths, shortest_level
// entities: entity_id
CALL () {
  MATCH (e:{NaturalPerson} {{entity_id}: $entity_id}) RETURN e
  UNION
  MATCH (e:{LegalPerson} {{entity_id}: $entity_id}) RETURN e
}
MATCH p = (e) (()<-[:{INTEREST_IN}]-(s:{Shareholding})<-[:{HOLDS_INTEREST}]-()
               WHERE s.{interest_type} = $interest_type){1,{@max_depth}} (owner:{NaturalPerson})
WHERE size(reduce(seen = [], n IN nodes(p) | CASE WHEN n IN seen THEN seen ELSE seen + n END))
      = size(nodes(p))
WITH owner, size(s) AS level,
     reduce(share = 1.0, x IN s | share * coalesce(x.{share_ratio}, x.{share_min}, 0.0)) AS share
WITH owner, sum(share) AS effective, count(*) AS paths, min(level) AS shortest_level
WHERE effective >= $threshold - 1e-9
RETURN owner.{entity_id} AS entity_id, owner.{name} AS name,
       round(effective, 6) AS effective_ownership, paths, shortest_level
ORDER BY effective_ownership DESC, entity_id
