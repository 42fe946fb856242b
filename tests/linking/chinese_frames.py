"""Seeded multi-department Chinese person / company frames with known truth, for tests.

Built the way loaders.ingest delivers frames (provenance + canonical + derived columns),
with the noise departments really show: homophone characters in names, ID typos (which fail
the checksum), missing fields, phone typos, company names with and without region prefix
or legal-form variants. Vectorised with numpy so it also serves the scale measurements.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欣晨瑞雪婷倩琳颖佳思雨梦欢慧莉志新海波峰飞云亮成荣")
HOMOPHONE = {"伟": "玮", "芳": "方", "静": "婧", "丽": "莉", "强": "蔷", "军": "君", "洋": "阳",
             "勇": "永", "艳": "燕", "杰": "洁", "涛": "韬", "明": "铭", "超": "潮", "霞": "侠",
             "平": "萍", "刚": "钢", "华": "桦", "玉": "钰", "红": "宏", "鹏": "朋", "辉": "晖",
             "斌": "彬", "宇": "禹", "浩": "皓", "凯": "恺", "健": "建", "俊": "骏", "林": "琳",
             "欣": "昕", "晨": "辰", "瑞": "睿", "雪": "学", "婷": "亭", "佳": "嘉", "雨": "宇",
             "梦": "孟", "慧": "惠", "志": "智", "新": "欣", "海": "凯", "波": "博", "峰": "锋",
             "飞": "菲", "云": "芸", "亮": "靓", "成": "诚", "荣": "蓉"}
REGIONS = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181",
           "430202", "430203", "430204", "430211", "430302", "430304", "430402", "430405",
           "430502", "430602", "430702", "430802", "430902", "431002", "431102", "431202"]
STREETS = list("人民解放建设中山五一芙蓉湘江韶山劳动东风迎宾")
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"))
CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_WORDS = list("华兴盛达通宏远创新恒泰鑫源中联博瑞星辰天宇金鼎")
INDUSTRY = ["科技", "贸易", "建筑", "物流", "餐饮", "医药", "教育", "传媒"]


def id_valid(ids: pd.Series) -> np.ndarray:
    """GB 11643 checksum of 18-character ID numbers (vectorised)."""
    ok = ids.str.fullmatch(r"\d{17}[\dX]").fillna(False).to_numpy()
    out = np.zeros(len(ids), dtype=bool)
    if ok.any():
        body = np.array([list(s[:17]) for s in ids[ok]], dtype=int)
        check = ID_CHECK[(body * ID_WEIGHTS).sum(axis=1) % 11]
        out[ok] = check == ids[ok].str[17].to_numpy()
    return out


def _make_ids(region: np.ndarray, birth: np.ndarray, rng) -> np.ndarray:
    seq = rng.integers(0, 1000, region.size)
    body = np.char.add(np.char.add(region.astype(str), birth.astype(str)),
                       np.char.zfill(seq.astype(str), 3))
    digits = np.array([list(s) for s in body], dtype=int)
    check = ID_CHECK[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    return np.char.add(body, check)


def _make_credit_codes(n: int, region: np.ndarray, rng) -> np.ndarray:
    body_idx = rng.integers(0, 10, (n, 9))
    prefix = np.char.add("9143", region.astype(str))  # 91 + 6-digit region... trimmed below
    prefix = np.array([p[:2] + r for p, r in zip(prefix, region.astype(str), strict=True)])
    chars = np.array(list(CC_ALPHABET))
    body = np.array([p + "".join(chars[b]) for p, b in zip(prefix, body_idx, strict=True)])
    values = np.array([[CC_ALPHABET.index(c) for c in s] for s in body])
    check = (31 - (values * CC_WEIGHTS).sum(axis=1) % 31) % 31
    return np.char.add(body, chars[check])


def _typo(values: np.ndarray, rate: float, rng, alphabet: str = "0123456789") -> np.ndarray:
    """Replace one character of a share of the values."""
    out = values.astype(object).copy()
    hit = np.flatnonzero(rng.random(values.size) < rate)
    for i in hit:
        s = out[i]
        if isinstance(s, str) and s:
            pos = rng.integers(0, len(s))
            new = alphabet[rng.integers(0, len(alphabet))]
            out[i] = s[:pos] + new + s[pos + 1:]
    return out


def _pinyin_map(names: pd.Series) -> pd.Series:
    from pypinyin import lazy_pinyin

    uniq = pd.unique(names.dropna())
    return names.map({u: " ".join(lazy_pinyin(u)) for u in uniq})


def persons(entities: int, departments: int = 5, seed: int = 1, noise: float = 1.0
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(person frame, truth with department, record_id, true_id)."""
    rng = np.random.default_rng(seed)
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), entities)]
    given_len = rng.choice([1, 2], entities, p=[0.35, 0.65])
    g1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), entities)]
    g2 = np.array(GIVEN)[rng.integers(0, len(GIVEN), entities)]
    name = np.where(given_len == 1, np.char.add(surname, g1),
                    np.char.add(np.char.add(surname, g1), g2))
    region = np.array(REGIONS)[rng.integers(0, len(REGIONS), entities)]
    birth = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 20000, entities),
                                                             unit="D")
    birth_digits = birth.strftime("%Y%m%d").to_numpy()
    ids = _make_ids(region, birth_digits, rng)
    phone = np.char.add("13", rng.integers(100000000, 999999999, entities).astype(str))
    sex = rng.choice(["M", "F"], entities)
    street = np.array(STREETS)[rng.integers(0, len(STREETS), (entities, 2))]
    house = rng.integers(1, 300, entities).astype(str)
    address = [f"湖南省长沙市{a}{b}路{h}号" for (a, b), h in zip(street, house, strict=True)]
    copies = rng.integers(1, departments + 1, entities)
    ent = np.repeat(np.arange(entities), copies)
    dept = np.concatenate([rng.permutation(departments)[:c] for c in copies])
    m = ent.size
    rec_name = name[ent].astype(object)
    homophone = rng.random(m) < 0.08 * noise
    for i in np.flatnonzero(homophone):
        chars = list(rec_name[i])
        pos = [j for j, ch in enumerate(chars) if ch in HOMOPHONE and j > 0]
        if pos:
            j = pos[rng.integers(0, len(pos))]
            chars[j] = HOMOPHONE[chars[j]]
            rec_name[i] = "".join(chars)
    rec_id = _typo(ids[ent], 0.05 * noise, rng)
    rec_id = np.where(rng.random(m) < 0.25 * noise, None, rec_id)
    rec_phone = _typo(phone[ent], 0.05 * noise, rng)
    rec_phone = np.where(rng.random(m) < 0.3, None, rec_phone)
    rec_birth = birth.strftime("%Y-%m-%d").to_numpy()[ent].astype(object)
    rec_birth = np.where(rng.random(m) < 0.15 * noise, None, rec_birth)
    rec_addr = np.array(address, dtype=object)[ent]
    rec_addr = np.where(rng.random(m) < 0.2 * noise, None, rec_addr)
    frame = pd.DataFrame({
        "department": np.array([f"厅{d}" for d in range(departments)])[dept],
        "source": "synthetic", "record_id": [f"R{i:07d}" for i in range(m)],
        "line": np.arange(2, m + 2), "name": rec_name, "id_number": rec_id,
        "birth_date": rec_birth, "sex": sex[ent], "phone": rec_phone, "address": rec_addr,
    })
    frame["id_valid"] = id_valid(frame["id_number"].astype("string"))
    frame["name_norm"] = frame["name"]
    frame["name_pinyin"] = _pinyin_map(frame["name"])
    frame["name_script"] = "han"
    frame["region_code"] = region[ent]
    frame["id_region_code"] = frame["id_number"].str[:6]
    truth = pd.DataFrame({"department": frame["department"], "record_id": frame["record_id"],
                          "true_id": ent.astype(str)})
    return frame, truth


def organizations(entities: int, departments: int = 4, seed: int = 2
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(organisation frame, truth) with name variants and credit-code noise."""
    rng = np.random.default_rng(seed)
    words = np.array(ORG_WORDS)[rng.integers(0, len(ORG_WORDS), (entities, 3))]
    core = np.array(["".join(w) for w in words])
    industry = np.array(INDUSTRY)[rng.integers(0, len(INDUSTRY), entities)]
    region = np.array(REGIONS)[rng.integers(0, len(REGIONS), entities)]
    codes = _make_credit_codes(entities, region, rng)
    phone = np.char.add("0731", rng.integers(10000000, 99999999, entities).astype(str))
    copies = rng.integers(1, departments + 1, entities)
    ent = np.repeat(np.arange(entities), copies)
    dept = np.concatenate([rng.permutation(departments)[:c] for c in copies])
    m = ent.size
    prefix = np.where(rng.random(m) < 0.5, "长沙市", "")
    form = np.where(rng.random(m) < 0.7, "有限公司", "有限责任公司")
    full = [p + c + i + f for p, c, i, f in zip(prefix, core[ent], industry[ent], form,
                                                strict=True)]
    rec_code = _typo(codes[ent], 0.04, rng, CC_ALPHABET)
    rec_code = np.where(rng.random(m) < 0.2, None, rec_code)
    frame = pd.DataFrame({
        "department": np.array([f"局{d}" for d in range(departments)])[dept],
        "source": "synthetic", "record_id": [f"O{i:07d}" for i in range(m)],
        "line": np.arange(2, m + 2), "name": full, "credit_code": rec_code,
        "phone": np.where(rng.random(m) < 0.3, None, phone[ent]), "industry": industry[ent],
    })
    values = [[CC_ALPHABET.index(c) if c in CC_ALPHABET else -99 for c in s]
              if isinstance(s, str) and len(s) == 18 else None for s in rec_code]
    frame["credit_code_valid"] = [
        v is not None and min(v) >= 0 and (31 - (np.array(v[:17]) * CC_WEIGHTS).sum() % 31) % 31
        == v[17] for v in values]
    frame["name_norm"] = frame["name"]
    frame["name_core"] = core[ent]
    frame["name_pinyin"] = _pinyin_map(frame["name_core"])
    frame["legal_form"] = form
    frame["region_code"] = region[ent]
    truth = pd.DataFrame({"department": frame["department"], "record_id": frame["record_id"],
                          "true_id": ent.astype(str)})
    return frame, truth


def ingested(persons_n: int = 500, orgs_n: int = 100, seed: int = 1) -> tuple[
        SimpleNamespace, pd.DataFrame]:
    """An Ingested-like namespace and the combined truth."""
    p, tp = persons(persons_n, seed=seed)
    o, to = organizations(orgs_n, seed=seed + 1)
    truth = pd.concat([tp.assign(true_id="P" + tp["true_id"]),
                       to.assign(true_id="O" + to["true_id"])], ignore_index=True)
    return SimpleNamespace(persons=p, organizations=o, relations=None), truth
