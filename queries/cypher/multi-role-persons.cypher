// name: multi-role-persons
// description.en: Persons who are legal representative or executive of at least `min_companies` distinct companies.
// description.zh: 多重任职人员：担任至少 min_companies 家企业法定代表人或高管的自然人。
// param: min_companies: int = 3 [1..1000000] -- the least number of companies
// returns: entity_id, name, companies, company_ids, roles
// entities: entity_id, company_ids
MATCH (p:{NaturalPerson})-[r:{LEGAL_REPRESENTATIVE_OF}|{EXECUTIVE_OF}]->(c:{LegalPerson})
WITH p, c, collect(DISTINCT type(r)) AS kinds ORDER BY c.{entity_id}
WITH p, collect(c.{entity_id}) AS company_ids, collect(kinds) AS kind_lists
WHERE size(company_ids) >= $min_companies
UNWIND kind_lists AS kinds
UNWIND kinds AS kind
WITH p, company_ids, kind ORDER BY kind
WITH p, company_ids, collect(DISTINCT kind) AS roles
RETURN p.{entity_id} AS entity_id, p.{name} AS name, size(company_ids) AS companies,
       company_ids, roles
ORDER BY companies DESC, entity_id
