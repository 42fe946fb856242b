// name: entity-profile
// description.en: One entity with its properties, every source record behind it, the departments those records come from and the documents that mention it.
// description.zh: 实体画像：实体属性、全部来源记录及其来源部门、提及该实体的文档。
// param: entity_id: string -- the entity id
// returns: entity_id, labels, name, properties, departments, records, documents
// entities: entity_id
CALL () {
  MATCH (e:{NaturalPerson} {{entity_id}: $entity_id}) RETURN e
  UNION
  MATCH (e:{LegalPerson} {{entity_id}: $entity_id}) RETURN e
}
OPTIONAL MATCH (r:{SourceRecord})-[ref:{REFERS_TO}]->(e)
OPTIONAL MATCH (r)-[:{FROM_DEPARTMENT}]->(d:{Department})
WITH e, r, ref, coalesce(d.{name}, r.{department}) AS department
ORDER BY department, r.{record_key}
WITH e, collect(DISTINCT department) AS departments,
     collect(CASE WHEN r IS NULL THEN NULL ELSE
       {record_key: r.{record_key}, department: department, record_id: r.{record_id},
        score: ref.{score}} END) AS records
CALL (e) {
  OPTIONAL MATCH (doc:{Document})-[m:{MENTIONS}]->(e)
  WITH doc, m ORDER BY doc.{uri}, m.{start}
  RETURN collect(CASE WHEN doc IS NULL THEN NULL ELSE
    {doc: doc.{uri}, start: m.{start}, end: m.{end}, text: m.{text}, score: m.{score}}
    END) AS documents
}
RETURN e.{entity_id} AS entity_id, labels(e) AS labels, e.{name} AS name,
       properties(e) AS properties, departments, records, documents
