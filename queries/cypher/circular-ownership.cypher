// name: circular-ownership
// description.en: Rings of cross-holdings: shareholding cycles of at most `max_length` companies, each reported once starting at its smallest entity id, with the weakest share and the product of shares around the ring.
// description.zh: 循环持股：不超过 max_length 家企业构成的交叉持股环，每个环只列一次。
// param: max_length: int = 6 [1..10] -- the longest ring considered
// returns: length, entity_ids, names, min_share, ring_product
// entities: entity_ids
MATCH (a:{LegalPerson})<-[:{SHAREHOLDER_OF}]-(:{LegalPerson})
WITH DISTINCT a
MATCH p = (a)-[:{SHAREHOLDER_OF}*1..{@max_length}]->(a)
WITH a, p, nodes(p)[1..-1] AS inner
WHERE all(n IN inner WHERE n.{entity_id} > a.{entity_id})
  AND size(reduce(seen = [], n IN inner | CASE WHEN n IN seen THEN seen ELSE seen + n END))
      = size(inner)
WITH p, [r IN relationships(p) | coalesce(r.{share_ratio}, 0.0)] AS shares
RETURN length(p) AS length,
       [n IN nodes(p)[..-1] | n.{entity_id}] AS entity_ids,
       [n IN nodes(p)[..-1] | n.{name}] AS names,
       reduce(m = 1.0, s IN shares | CASE WHEN s < m THEN s ELSE m END) AS min_share,
       round(reduce(x = 1.0, s IN shares | x * s), 6) AS ring_product
ORDER BY length, entity_ids
