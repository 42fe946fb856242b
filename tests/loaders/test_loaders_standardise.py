"""Standardisers on hand-made values with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders import divisions
from loaders.standardise.addresses import parse_addresses
from loaders.standardise.codes import normalise_relation_types, normalise_sex, parse_share_ratios
from loaders.standardise.creditcode import check_char as credit_check
from loaders.standardise.creditcode import normalise_credit_codes, org_check_char
from loaders.standardise.dates import parse_dates
from loaders.standardise.idcard import check_char, normalise_id_numbers
from loaders.standardise.names import org_name_parts, person_name_keys
from loaders.standardise.phones import normalise_phones

BODY = "43010219900101123"
GOOD = BODY + check_char(BODY)


def test_id_check_digit_matches_published_example():
    # GB 11643 worked example: 11010519491231002X
    assert check_char("11010519491231002") == "X"


def test_id_numbers_normalised_and_flagged():
    wrong = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    s = pd.Series([GOOD, wrong, "430102900101123", "４３０１０２ １９９００１０１１２３" + GOOD[-1],
                   GOOD.lower(), "43010219901301123X", None, "abc"])
    out = normalise_id_numbers(s)
    assert out["id_number"].tolist()[:5] == [GOOD, wrong, GOOD, GOOD, GOOD]
    assert out["id_valid"].tolist() == [True, False, True, True, True, False, pd.NA, False]
    assert out["id_legacy"].tolist()[:3] == [False, False, True]
    assert out.loc[0, "birth_date"] == "1990-01-01" and out.loc[0, "sex"] == "M"
    assert out.loc[0, "region_code"] == "430102"
    assert pd.isna(out.loc[5, "birth_date"])  # month 13
    assert out.loc[7, "id_number"] == "ABC"  # kept, flagged, never dropped


def test_credit_codes_with_real_example():
    assert credit_check("91350100M000100Y4") == "3"
    assert org_check_char("M000100Y") == "4"
    out = normalise_credit_codes(pd.Series(["91350100M000100Y43", "91350100m000100y43",
                                            "91350100M000100Y40", None, "123"]))
    assert out["credit_code"].tolist()[:3] == ["91350100M000100Y43"] * 2 + ["91350100M000100Y40"]
    assert out["credit_code_valid"].tolist() == [True, True, False, pd.NA, False]
    assert out.loc[0, "region_code"] == "350100"


def test_dates_in_department_formats():
    values = ["1990-01-02", "19900102", "1990/1/2", "1990.1.2", "1990年1月2日", "一九九〇年一月二日",
              "32875", "1990-01-02 08:00:00", "１９９０－０１－０２", "1990-02-30", "garbage", None]
    out = parse_dates(pd.Series(values)).tolist()
    assert out[:9] == ["1990-01-02"] * 9
    assert all(pd.isna(v) for v in out[9:])


def test_phones():
    out = normalise_phones(pd.Series(["+86 138-1234-5678", "0086 13812345678", "138 1234 5678",
                                      "0731-88889999", "(0731) 8888 9999 转 12", "12345", None]))
    assert out["phone"].tolist()[:5] == ["13812345678"] * 3 + ["073188889999"] * 2
    assert out["phone_kind"].tolist()[:5] == ["mobile"] * 3 + ["landline"] * 2
    assert pd.isna(out.loc[5, "phone_kind"]) and pd.isna(out.loc[6, "phone"])


def test_person_names_simplified_and_pinyin():
    out = person_name_keys(pd.Series(["張 三", "张三", "ＺＨＡＮＧ San", "买买提·艾力", None]))
    assert out["name_norm"].tolist()[:2] == ["张三", "张三"]
    assert out["name_pinyin"].tolist()[:3] == ["zhang san"] * 3
    assert out["name_script"].tolist()[:3] == ["han", "han", "latin"]
    assert out.loc[3, "name_norm"] == "买买提艾力"
    homophones = person_name_keys(pd.Series(["张伟", "张玮"]))["name_pinyin"]
    assert homophones[0] == homophones[1]


def test_org_name_core_without_region_industry_and_form():
    out = org_name_parts(pd.Series(["湖南长沙湘江智远科技有限公司", "湘江智远科技(长沙)有限公司",
                                    "湖南省湘江智远信息技术股份有限公司"]))
    assert out["name_core"].tolist() == ["湘江智远"] * 3
    assert out["legal_form"].tolist() == ["有限公司", "有限公司", "股份有限公司"]
    assert out.loc[1, "name_region"] == "长沙"


@pytest.mark.parametrize("text,codes", [
    ("湖南省长沙市岳麓区麓山南路1号", ("430000", "430100", "430104")),
    ("湖南长沙岳麓区", ("430000", "430100", "430104")),
    ("湖南省 湘西土家族苗族自治州 吉首市人民路", ("430000", "433100", "433101")),
    ("湘西州凤凰县沱江镇", ("430000", "433100", "433123")),
    ("湖南省湘潭县易俗河镇", ("430000", "430300", "430321")),
    ("長沙市開福區", ("430000", "430100", "430105")),
    ("北京市朝阳区建国路", ("110000", None, "110105")),
    ("湖南省邵东县", ("430000", "430500", "430582")),
])
def test_addresses_to_division_codes(text, codes):
    out = parse_addresses(pd.Series([text]))
    ix = divisions.index()
    expected = [ix.region_name(c) for c in codes]
    assert out.loc[0, ["province", "city", "county"]].tolist() == [
        e if e is not None else pd.NA for e in expected]
    assert out.loc[0, "region_code"] == next(c for c in reversed(codes) if c)


def test_divisions_hunan_complete():
    table = divisions.load()
    hunan = table[table["code"].str.startswith("43")]
    assert (hunan["level"] == "prefecture").sum() == 14
    assert (hunan["level"] == "county").sum() == 122
    assert (table["level"] == "province").sum() == 34
    parents = set(table["code"])
    assert table["parent_code"].dropna().isin(parents).all()


def test_sex_relation_types_and_ratios():
    assert normalise_sex(pd.Series(["男", "女", "M", "f", "1", "2", "未知"])).tolist()[:6] == \
        ["M", "F", "M", "F", "M", "F"]
    assert normalise_relation_types(pd.Series(["法定代表人", "股东", "监事", "配偶", "父母", "参保单位"])
                                    ).tolist() == ["legal_representative", "shareholder",
                                                   "executive", "spouse", "parent", "employee"]
    ratios = parse_share_ratios(pd.Series(["35%", "0.35", "35", "abc", "150%"])).tolist()
    assert ratios[:3] == [0.35, 0.35, 0.35] and pd.isna(ratios[3]) and pd.isna(ratios[4])


def test_single_name_and_column_paths_agree(generated_ingest):
    from loaders.standardise.names import normalise_person_name

    sample = generated_ingest.persons["name"].dropna().drop_duplicates().head(300)
    column = person_name_keys(pd.Series(list(sample) + ["John  SMITH", "張 三"]))
    for i, text in enumerate(list(sample) + ["John  SMITH", "張 三"]):
        norm, pinyin, script = normalise_person_name(text)
        assert (column.loc[i, "name_norm"], column.loc[i, "name_pinyin"],
                column.loc[i, "name_script"]) == (norm, pinyin, script), text
