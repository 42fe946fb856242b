"""Text linking against a real graph: hand-written documents about the generated World, whose
every mention's entity is known (true id -> the entity its records resolved to)."""

from __future__ import annotations

ORG = 3  # 衡阳湘电华通医药有限责任公司, its legal representative 张敏 (P0000194)
NIL_PERSON = "欧阳春花"  # no one in the World: not a name the generator draws


def _org_and_rep(world):
    org = world.orgs.iloc[ORG]
    rep = world.persons.iloc[int(org["legal_rep"])]
    return org, rep


def penalty_decision(world) -> str:
    org, rep = _org_and_rep(world)
    born = rep["birth"]
    return (f"行政处罚决定书\n当事人：{org['name']}（以下简称“湘电华通”），统一社会信用代码："
            f"{org['credit_code']}。\n法定代表人：{rep['name']}，女，{born.year}年{born.month}月"
            f"{born.day}日出生，身份证号：{rep['id_number']}。\n经查，湘电华通公司在未取得许可"
            f"的情况下从事经营活动。证人{NIL_PERSON}，女，1950年1月1日出生，住湖南省长沙市芙蓉区"
            "人民路1号。")


def test_penalty_decision_mentions_and_entities(linked_graph, text_linker):
    world = linked_graph.world
    org, rep = _org_and_rep(world)
    text = penalty_decision(world)
    found = text_linker.link(text, "case-1.txt")
    got = [(m.text, m.type, m.entity_id) for m in found]
    org_id = linked_graph.entity_of[org["true_id"]]
    rep_id = linked_graph.entity_of[rep["true_id"]]
    assert got == [
        (org["name"], "organization", org_id),
        ("湘电华通", "organization", org_id),
        (org["credit_code"], "credit_code", org_id),
        (rep["name"], "person", rep_id),
        (rep["id_number"], "id_number", rep_id),
        ("湘电华通公司", "organization", org_id),
        (NIL_PERSON, "person", None),
    ]
    for m in found:
        assert text[m.start:m.end] == m.text and m.doc == "case-1.txt"
    by_text = {m.text: m for m in found}
    assert by_text["湘电华通"].evidence["abbreviates"] == org["name"]
    assert by_text[rep["name"]].evidence["rule"] == "same_id"
    assert by_text[rep["name"]].score == 1.0
    nil = by_text[NIL_PERSON].evidence
    assert nil["nil"] == "no candidate outweighs NIL" and nil["candidates"] == 3
    assert nil["cmp"]["name"][0] == "different"
    # one undecided person chain, surely NIL, and one pseudo-mention each way: (1 + 1) / 3
    assert nil["nil_prior"] == 0.6667


def news_in_english(world) -> str:
    org, rep = _org_and_rep(world)
    return ("Hengyang Xiangdian Huatong Pharmaceutical Co., Ltd. (unified social credit code "
            f"{org['credit_code']}) was fined 20,000 yuan on 3 May 2024. Its legal "
            f"representative, ZHANG Min, female, born in 1979, ID number {rep['id_number']}, "
            "said Xiangdian Huatong would appeal. Li Xiaolong, a customer, called 13800138000.")


def test_english_news_mentions_and_entities(linked_graph, text_linker):
    org, rep = _org_and_rep(linked_graph.world)
    org_id = linked_graph.entity_of[org["true_id"]]
    rep_id = linked_graph.entity_of[rep["true_id"]]
    text = news_in_english(linked_graph.world)
    found = text_linker.link(text, "en-1.txt")
    assert [(m.text, m.type, m.entity_id) for m in found] == [
        ("Hengyang Xiangdian Huatong Pharmaceutical Co., Ltd.", "organization", org_id),
        (org["credit_code"], "credit_code", org_id),
        ("ZHANG Min", "person", rep_id),
        (rep["id_number"], "id_number", rep_id),
        ("Xiangdian Huatong", "organization", org_id),
        ("Li Xiaolong", "person", None),
        ("13800138000", "phone", None),
    ]
    by_text = {m.text: m for m in found}
    assert by_text["Xiangdian Huatong"].evidence["abbreviates"] == (
        "Hengyang Xiangdian Huatong Pharmaceutical Co., Ltd.")
    assert by_text["13800138000"].evidence["nil"] == "no entity holds it"


def test_english_scanning_breaks_are_mended(linked_graph, text_linker):
    """A name broken across a line, a word broken by a space or a line (mended from where
    the batch writes it whole), a credit code broken by a space, and a name that ends a
    sentence ("Min." is no part of it) are the same mentions as when written clean."""
    org, rep = _org_and_rep(linked_graph.world)
    org_id = linked_graph.entity_of[org["true_id"]]
    rep_id = linked_graph.entity_of[rep["true_id"]]
    code = org["credit_code"]
    broken = ("Notice of the Hengyang Xiangdian \nHuatong Pharmac eutical Co., Ltd.\n"
              f"Unified social credit code: {code[:8]} {code[8:]}\n"
              "The company's legal representative is ZHANG Min.")
    clean = news_in_english(linked_graph.world)
    found, _ = text_linker.link_many([("broken.txt", broken), ("clean.txt", clean)])
    assert [(m.text, m.type, m.entity_id) for m in found] == [
        ("Hengyang Xiangdian \nHuatong Pharmac eutical Co., Ltd.", "organization", org_id),
        (f"{code[:8]} {code[8:]}", "credit_code", org_id),
        ("ZHANG Min", "person", rep_id),
    ]
    # alone, nothing writes "Pharmaceutical" whole: the broken name is missed, and its
    # legal form is no company on its own
    alone = text_linker.link(broken, "broken.txt")
    assert [(m.text, m.entity_id) for m in alone] == [
        (f"{code[:8]} {code[8:]}", org_id), ("ZHANG Min", rep_id)]


def test_a_first_english_text_without_rule_entities(linked_graph):
    """The trained NER's labels are known before any rule has used them (a fresh linker)."""
    import kglink

    resolver = kglink.Resolver(driver=linked_graph.driver, database=linked_graph.database)
    fresh = kglink.TextLinker(resolver)
    text = "The Changsha Market Supervision Bureau fined the shop owner Li Xiaolong."
    found = fresh.link(text, "first.txt", "en")
    assert all(text[m.start:m.end] == m.text and not m.text[-1].isspace() for m in found)
    assert {m.type for m in found} <= {"person", "organization"}
