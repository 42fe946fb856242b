// name: cross-department
// description.en: Entities whose source records come from at least `min_departments` distinct departments.
// description.zh: 跨部门实体：来源记录分布于至少 min_departments 个部门的实体。
// param: min_departments: int = 3 [1..1000] -- the least number of departments
// returns: entity_id, labels, name, departments, department_names, records
// entities: entity_id
MATCH (r:{SourceRecord})-[:{REFERS_TO}]->(e)
OPTIONAL MATCH (r)-[:{FROM_DEPARTMENT}]->(d:{Department})
WITH e, r, coalesce(d.{name}, r.{department}) AS department ORDER BY department
WITH e, collect(DISTINCT department) AS department_names, count(DISTINCT r) AS records
WHERE size(department_names) >= $min_departments
RETURN e.{entity_id} AS entity_id, labels(e) AS labels, e.{name} AS name,
       size(department_names) AS departments, department_names, records
ORDER BY departments DESC, entity_id
