// name: shared-contacts
// description.en: Groups of at least `min_entities` persons or companies that share a phone, an address, or a legal representative (kind phone | address | legal_representative).
// description.zh: 共享联系方式：共用同一电话、地址或法定代表人的实体群（至少 min_entities 个）。
// param: min_entities: int = 3 [2..1000000] -- the least group size
// returns: kind, value, entities, entity_ids, names
// entities: entity_ids
CALL () {
  MATCH (e) WHERE e:{NaturalPerson} OR e:{LegalPerson}
  UNWIND coalesce(e.{phones}, []) + coalesce([e.{phone}], []) AS value
  WITH DISTINCT e, value WHERE value IS NOT NULL AND value <> ''
  RETURN 'phone' AS kind, value, e
  UNION
  MATCH (e) WHERE e:{NaturalPerson} OR e:{LegalPerson}
  UNWIND coalesce(e.{addresses}, []) + coalesce([e.{address}], []) AS value
  WITH DISTINCT e, value WHERE value IS NOT NULL AND value <> ''
  RETURN 'address' AS kind, value, e
  UNION
  MATCH (rep:{NaturalPerson})-[:{LEGAL_REPRESENTATIVE_OF}]->(e:{LegalPerson})
  RETURN 'legal_representative' AS kind, rep.{entity_id} AS value, e
}
WITH kind, value, e ORDER BY e.{entity_id}
WITH kind, value, collect(DISTINCT e) AS group
WHERE size(group) >= $min_entities
RETURN kind, value, size(group) AS entities,
       [n IN group | n.{entity_id}] AS entity_ids, [n IN group | n.{name}] AS names
ORDER BY entities DESC, kind, value
