"""Each department's view of the true world: its own columns, value formats and noise."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.synthetic import vocab


@dataclass
class Table:
    """One source table: data with the department's column names, its SOURCES.yaml mapping
    and the ground truth of each row."""

    department: str
    entity: str
    stem: str
    frame: pd.DataFrame
    id_column: str
    columns: dict[str, str]
    truth: pd.DataFrame | None = None  # record_id, true_id
    options: dict = field(default_factory=dict)


def _obj(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _record_ids(prefix: str, n: int) -> np.ndarray:
    if n == 0:  # numpy's zfill fails on an empty array
        return _obj([])
    return _obj(np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), 7)))


def _iso(days: np.ndarray) -> np.ndarray:
    return _obj(np.datetime_as_string(days, unit="D"))


def _chinese_date(days: np.ndarray, pad: bool = False) -> np.ndarray:
    d = pd.DatetimeIndex(days)
    fmt = (lambda x, w: np.char.zfill(x.astype(str), w)) if pad else \
        (lambda x, w: x.astype(str))
    return _obj(np.char.add(np.char.add(np.char.add(np.char.add(np.char.add(
        d.year.to_numpy().astype(str), "年"), fmt(d.month.to_numpy(), 2)), "月"),
        fmt(d.day.to_numpy(), 2)), "日"))


def _slashed(days: np.ndarray, sep: str = "/") -> np.ndarray:
    d = pd.DatetimeIndex(days)
    return _obj(np.char.add(np.char.add(np.char.add(np.char.add(
        d.year.to_numpy().astype(str), sep), d.month.to_numpy().astype(str)), sep),
        d.day.to_numpy().astype(str)))


def _sex(male: np.ndarray, style: str) -> np.ndarray:
    return _obj(np.where(male, "男", "女") if style == "zh" else np.where(male, "1", "2"))


def _phone_variants(phone: np.ndarray, noise, p: float) -> np.ndarray:
    """Written forms: mobiles as "+86 138-1234-5678" or "138 1234 5678", landlines
    ("0731-84123456") as "(0731)84123456" or "0731 84123456"; 20% blank (scaled by noise)."""
    n = len(phone)
    s = pd.Series(phone, dtype=object)
    code, dash, local = (s.str.partition("-")[i] for i in range(3))
    landline = (dash == "-").to_numpy()
    dashed = np.where(landline, "(" + code + ")" + local,
                      "+86 " + s.str[:3] + "-" + s.str[3:7] + "-" + s.str[7:])
    spaced = np.where(landline, code + " " + local,
                      s.str[:3] + " " + s.str[3:7] + " " + s.str[7:])
    pick = noise.rng.random(n)
    out = np.where(noise.hit(n, p) & (pick < 0.5), dashed, np.where(
        noise.hit(n, p) & (pick >= 0.5), spaced, phone))
    return noise.blank(_obj(out), 0.2)


# The share of people who give a department their household's shared number (a landline or
# the head's mobile) rather than their own mobile; people without a mobile always give it.
HOUSEHOLD_PHONE_P = {"公安厅户籍": 0.7, "税务局": 0.1, "人社厅社保": 0.15, "卫健委": 0.5}


def given_phones(people: pd.DataFrame, department: str,
                 rng: np.random.Generator) -> np.ndarray:
    """The number each person gives `department`: the household's or their own mobile."""
    mobile = people["mobile"].to_numpy()
    shared = rng.random(len(people)) < HOUSEHOLD_PHONE_P[department]
    return np.where(shared | pd.isna(mobile), people["household_phone"].to_numpy(), mobile)


def department_tables(world, noise, rng: np.random.Generator) -> list[Table]:
    """All source tables of the six departments."""
    people, orgs = world.persons, world.orgs
    n, m = len(people), len(orgs)
    tables: list[Table] = []

    # 公安厅户籍: everyone, current address, clean IDs (registration is the reference)
    rid = _record_ids("GA", n)
    tables.append(Table("公安厅户籍", "person", "gat_huji", pd.DataFrame({
        "记录号": rid, "姓名": noise.names(people),
        "公民身份号码": noise.ids(people["id_number"].to_numpy(), people["birth"].to_numpy(),
                            legacy_p=0.0, missing_p=0.0),
        "出生日期": _iso(people["birth"].to_numpy()),
        "性别": _sex(people["male"].to_numpy(), "zh"), "民族": people["ethnicity"].to_numpy(),
        "住址": people["new_address"].to_numpy(),
        "联系电话": noise.blank(given_phones(people, "公安厅户籍", rng), 0.4)}), "记录号",
        {"姓名": "name", "公民身份号码": "id_number", "出生日期": "birth_date", "性别": "sex",
         "民族": "ethnicity", "住址": "address", "联系电话": "phone"},
        pd.DataFrame({"record_id": rid, "true_id": people["true_id"].to_numpy()}),
        {"encoding": "gbk"}))

    # 税务局 persons: 40%, compact dates, legacy IDs, phone variants, old addresses
    sel = np.flatnonzero(rng.random(n) < 0.4)
    sub = people.iloc[sel]
    rid = _record_ids("SWP", len(sel))
    tables.append(Table("税务局", "person", "tax_persons", pd.DataFrame({
        "纳税人编号": rid, "纳税人姓名": noise.names(sub),
        "证件号码": noise.ids(sub["id_number"].to_numpy(), sub["birth"].to_numpy(), 0.05, 0.03),
        "出生日期": _obj(np.char.replace(np.datetime_as_string(sub["birth"].to_numpy(),
                                                              unit="D"), "-", "")),
        "手机号码": _phone_variants(given_phones(sub, "税务局", rng), noise, 0.3),
        "登记地址": noise.blank(sub["address"].to_numpy(), 0.05)}), "纳税人编号",
        {"纳税人姓名": "name", "证件号码": "id_number", "出生日期": "birth_date",
         "手机号码": "phone", "登记地址": "address"},
        pd.DataFrame({"record_id": rid, "true_id": sub["true_id"].to_numpy()})))

    # 人社厅社保: the employed, numeric sex codes, address split over two columns
    employees = world.relations[world.relations["type"] == "employee"]
    pos = people.reset_index(drop=True).reset_index().set_index("true_id")["index"]
    sel = pos.loc[employees["from_true_id"]].to_numpy()
    sub = people.iloc[sel]
    rid = _record_ids("SB", len(sel))
    address = pd.Series(sub["new_address"].to_numpy(), dtype=object)
    tables.append(Table("人社厅社保", "person", "shebao_persons", pd.DataFrame({
        "个人编号": rid, "姓名": noise.names(sub),
        "身份证号": noise.ids(sub["id_number"].to_numpy(), sub["birth"].to_numpy(), 0.02, 0.02),
        "性别": _sex(sub["male"].to_numpy(), "code"),
        "出生年月": _slashed(sub["birth"].to_numpy()),
        "联系电话": noise.blank(given_phones(sub, "人社厅社保", rng), 0.3),
        "户籍省市": _obj(address.str[:6]), "详细地址": _obj(address.str[6:])}), "个人编号",
        {"姓名": "name", "身份证号": "id_number", "性别": "sex", "出生年月": "birth_date",
         "联系电话": "phone", "户籍省市": "address", "详细地址": "address"},
        pd.DataFrame({"record_id": rid, "true_id": sub["true_id"].to_numpy()})))
    credit = dict(zip(orgs["true_id"], orgs["credit_code"], strict=True))
    rel_id = _record_ids("SBR", len(sel))
    start = (np.datetime64("2005-01-01") + rng.integers(0, 17 * 365, size=len(sel))).astype(
        "datetime64[D]")
    tables.append(Table("人社厅社保", "relation", "shebao_employment", pd.DataFrame({
        "参保记录号": rel_id, "关系": "参保单位",
        "人员": _obj(np.char.add("人社厅社保:", rid.astype(str))),
        "单位信用代码": _obj(pd.Series(employees["to_true_id"].to_numpy()).map(credit)),
        "参保日期": _iso(start)}), "参保记录号",
        {"关系": "type", "人员": "from_id", "单位信用代码": "to_id", "参保日期": "start_date"}))

    # 民政厅: every member of a household of two or more, 15% without any ID number
    family = people.groupby("household")["rank"].transform("max").to_numpy() >= 1
    sel = np.flatnonzero(family)
    sub = people.iloc[sel]
    rid = _record_ids("MZ", len(sel))
    tables.append(Table("民政厅", "person", "minzheng_persons", pd.DataFrame({
        "记录号": rid, "姓名": noise.names(sub),
        "身份证号": noise.ids(sub["id_number"].to_numpy(), sub["birth"].to_numpy(), 0.03, 0.15),
        "出生日期": _chinese_date(sub["birth"].to_numpy(), pad=True),
        "性别": _sex(sub["male"].to_numpy(), "zh"),
        "住址": sub["new_address"].to_numpy()}), "记录号",
        {"姓名": "name", "身份证号": "id_number", "出生日期": "birth_date", "性别": "sex",
         "住址": "address"},
        pd.DataFrame({"record_id": rid, "true_id": sub["true_id"].to_numpy()})))
    mz_record = pd.Series(rid, index=sub["true_id"].to_numpy())
    fam = world.relations[world.relations["type"].isin(["spouse", "parent"])]
    as_child = (fam["type"] == "parent").to_numpy() & (rng.random(len(fam)) < 0.3)
    subject = np.where(as_child, fam["to_true_id"], fam["from_true_id"])
    other = np.where(as_child, fam["from_true_id"], fam["to_true_id"])
    term = np.where(fam["type"] == "spouse", "配偶", np.where(as_child, "子女", "父母"))
    tables.append(Table("民政厅", "relation", "minzheng_family", pd.DataFrame({
        "关系编号": _record_ids("MZR", len(fam)), "关系": _obj(term),
        "本人": _obj(np.char.add("民政厅:", mz_record.loc[subject].to_numpy().astype(str))),
        "亲属": _obj(np.char.add("民政厅:", mz_record.loc[other].to_numpy().astype(str)))}),
        "关系编号", {"关系": "type", "本人": "from_id", "亲属": "to_id"}))

    # 卫健委: half of everyone, many without ID, dotted dates, old addresses
    sel = np.flatnonzero(rng.random(n) < 0.5)
    sub = people.iloc[sel]
    rid = _record_ids("WJ", len(sel))
    tables.append(Table("卫健委", "person", "weijian_persons", pd.DataFrame({
        "病案号": rid, "患者姓名": noise.names(sub),
        "证件号": noise.ids(sub["id_number"].to_numpy(), sub["birth"].to_numpy(), 0.05, 0.2),
        "出生日期": _slashed(sub["birth"].to_numpy(), "."),
        "性别": _sex(sub["male"].to_numpy(), "zh"),
        "电话": _phone_variants(given_phones(sub, "卫健委", rng), noise, 0.3),
        "家庭住址": sub["address"].to_numpy()}), "病案号",
        {"患者姓名": "name", "证件号": "id_number", "出生日期": "birth_date", "性别": "sex",
         "电话": "phone", "家庭住址": "address"},
        pd.DataFrame({"record_id": rid, "true_id": sub["true_id"].to_numpy()})))

    # 市场监督管理局: every company, its legal representative, shareholders, executives
    rep = people.iloc[orgs["legal_rep"].to_numpy()]
    rid = _record_ids("SC", m)
    tables.append(Table("市场监督管理局", "organization", "samr_companies", pd.DataFrame({
        "记录号": rid, "企业名称": orgs["name"].to_numpy(),
        "统一社会信用代码": orgs["credit_code"].to_numpy(), "法定代表人": rep["name"].to_numpy(),
        "法定代表人身份证号": rep["id_number"].to_numpy(), "住所": orgs["address"].to_numpy(),
        "成立日期": _chinese_date(orgs["established"].to_numpy()),
        "行业": orgs["industry"].to_numpy(),
        "注册资本": _obj(np.char.add(orgs["capital"].to_numpy().astype(str), "万元")),
        "联系电话": orgs["phone"].to_numpy()}), "记录号",
        {"企业名称": "name", "统一社会信用代码": "credit_code", "法定代表人": "legal_rep_name",
         "法定代表人身份证号": "legal_rep_id", "住所": "address", "成立日期": "established_date",
         "行业": "industry", "注册资本": "reg_capital", "联系电话": "phone"},
        pd.DataFrame({"record_id": rid, "true_id": orgs["true_id"].to_numpy()})))
    corp = world.relations[world.relations["type"].isin(
        ["legal_representative", "shareholder", "executive"])]
    person_id = dict(zip(people["true_id"], people["id_number"], strict=True))
    party = pd.Series(corp["from_true_id"].to_numpy()).map(person_id).fillna(
        pd.Series(corp["from_true_id"].to_numpy()).map(credit))
    titles = _obj(vocab.EXEC_TITLES)[rng.integers(0, len(vocab.EXEC_TITLES), size=len(corp))]
    term = np.where(corp["type"] == "legal_representative", "法定代表人",
                    np.where(corp["type"] == "shareholder", "股东", titles))
    ratio = corp["share_ratio"].to_numpy()
    style = rng.integers(0, 3, size=len(corp))
    ratio_text = np.where(np.isnan(ratio), None, np.where(
        style == 0, _obj(np.char.add(np.round(ratio * 100, 1).astype(str), "%")),
        np.where(style == 1, _obj(ratio.astype(str)), _obj(np.round(ratio * 100, 1).astype(str)))))
    tables.append(Table("市场监督管理局", "relation", "samr_relations", pd.DataFrame({
        "关系记录号": _record_ids("SCR", len(corp)), "关系类型": _obj(term),
        "主体证件号": _obj(party.to_numpy()),
        "企业信用代码": _obj(pd.Series(corp["to_true_id"].to_numpy()).map(credit)),
        "持股比例": _obj(ratio_text)}), "关系记录号",
        {"关系类型": "type", "主体证件号": "from_id", "企业信用代码": "to_id",
         "持股比例": "share_ratio"}))

    # 税务局 organisations: 70%, bracketed-region name variants, slashed dates
    sel = np.flatnonzero(rng.random(m) < 0.7)
    sub = orgs.iloc[sel]
    names = pd.Series(sub["name"].to_numpy(), dtype=object)
    bracket = noise.hit(len(sub), 0.3)
    prefix = pd.Series(sub["name_prefix"].to_numpy(), dtype=object)
    variant = pd.Series([n[len(p):] for n, p in zip(names, prefix, strict=True)], dtype=object) \
        .str.replace("有限", "(湖南)有限", n=1, regex=False)
    names = _obj(np.where(bracket, variant, names))
    rid = _record_ids("SWQ", len(sel))
    tables.append(Table("税务局", "organization", "tax_companies", pd.DataFrame({
        "纳税人编号": rid, "纳税人名称": names,
        "社会信用代码": noise.blank(sub["credit_code"].to_numpy(), 0.05),
        "法人姓名": rep["name"].to_numpy()[sel],
        "生产经营地址": sub["address"].to_numpy(),
        "登记日期": _slashed(sub["established"].to_numpy())}), "纳税人编号",
        {"纳税人名称": "name", "社会信用代码": "credit_code", "法人姓名": "legal_rep_name",
         "生产经营地址": "address", "登记日期": "established_date"},
        pd.DataFrame({"record_id": rid, "true_id": sub["true_id"].to_numpy()})))
    return tables
