"""Chinese document templates: 行政处罚决定书, 股东变更公告, 开庭公告 / 公告送达 and 新闻, each
with several phrasings, about persons and companies drawn from a Cast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from loaders.synthetic.document_builder import DocumentBuilder, Piece, Slot
from loaders.synthetic.document_cast import Cast, Company, Person
from loaders.synthetic.document_fillers import ZH

T = TypeVar("T")

PERSON_CONTEXT_SHARE = 0.7   # person mentions followed by disambiguating context
ABBREVIATION_SHARE = 0.5     # running-text company references by an abbreviation
ROLE_TITLES = {"legal_representative": ("法定代表人", "董事长", "执行董事"),
               "shareholder": ("股东",), "executive": ("总经理", "董事", "监事")}
VIOLATIONS = ("在未取得食品经营许可证的情况下从事食品销售活动", "销售超过保质期的食品",
              "发布虚假广告，对商品的性能、功能作引人误解的宣传", "使用未经检定的计量器具",
              "未按规定公示年度报告且逾期未改正", "销售不符合国家标准的电线电缆产品",
              "在生产经营场所存放过期原料", "未经许可擅自从事危险化学品经营活动")
LAWS = ("《中华人民共和国食品安全法》第一百二十二条", "《中华人民共和国广告法》第五十五条",
        "《中华人民共和国计量法》第二十六条", "《中华人民共和国产品质量法》第四十九条",
        "《企业信息公示暂行条例》第十八条")
CASES = ("民间借贷纠纷", "买卖合同纠纷", "房屋租赁合同纠纷", "劳动争议", "股权转让纠纷",
         "机动车交通事故责任纠纷", "建设工程施工合同纠纷", "金融借款合同纠纷")


def pick(options: Sequence[T], rng: np.random.Generator) -> T:
    """One of `options`, uniformly."""
    return options[int(rng.integers(len(options)))]


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def age(person: Person, today: dt.date) -> int:
    born = person.birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def person_slot(person: Person) -> Slot:
    return Slot(person.name, "person", person.true_id, ambiguous=person.others >= 1)


def id_slot(person: Person) -> Slot:
    return Slot(person.id_number, "id_number", person.true_id)


def phone_slot(owner: Person | Company) -> Slot:
    return Slot(owner.phone, "phone", owner.true_id)


def credit_slot(company: Company) -> Slot:
    return Slot(company.credit_code, "credit_code", company.true_id)


def org_full(company: Company) -> Slot:
    return Slot(company.name, "organization", company.true_id)


def org_short(company: Company, rng: np.random.Generator) -> Slot:
    """星城智远科技, 星城智远公司 or 星城智远: region and legal form dropped."""
    forms = (company.core + company.industry, company.core + "公司", company.core)
    return Slot(pick(forms, rng), "organization", company.true_id,
                abbreviated=True)


def org_ref(company: Company, rng: np.random.Generator) -> Slot:
    """A running-text reference: an abbreviation with ABBREVIATION_SHARE."""
    return org_short(company, rng) if rng.random() < ABBREVIATION_SHARE else org_full(company)


def needs_context(person: Person, rng: np.random.Generator) -> bool:
    """Context with PERSON_CONTEXT_SHARE; always for a NIL person bearing a World name."""
    return (person.true_id is None and person.others >= 1) or \
        bool(rng.random() < PERSON_CONTEXT_SHARE)


def person_context(person: Person, rng: np.random.Generator, today: dt.date,
                   close: str = "") -> list[Piece]:
    """What follows a person's name to tell them apart (possibly nothing); `close` ends a
    context that is there (the comma before the sentence goes on)."""
    if not needs_context(person, rng):
        return []
    sex = "男" if person.male else "女"
    options: list[list[Piece]] = [
        [f"，{sex}，{zh_date(person.birth)}出生，汉族，住{person.address}"],
        [f"，{sex}，{age(person, today)}岁，身份证号码：", id_slot(person)],
        ["（身份证号：", id_slot(person), "）"],
        [f"，{sex}，{zh_date(person.birth)}生，住{person.address}，联系电话：",
         phone_slot(person)],
        ["，公民身份号码", id_slot(person), f"，住{person.city}{person.county}"],
        [f"，{person.birth.year}年出生，{person.county}人"],
    ]
    return [*pick(options, rng), close]


def pad(b: DocumentBuilder, rng: np.random.Generator, fillers: tuple[str, ...],
        target: int) -> None:
    """Filler sentences, each at most once, until the document nears `target` characters
    (or the fillers run out)."""
    for i in rng.permutation(len(fillers)):
        if b.length >= target - 20:
            return
        b.say(fillers[i])


def penalty(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
            target: int) -> None:
    """行政处罚决定书 against a company (with its legal representative) or a person."""
    fine = int(rng.integers(2, 200)) * 500
    b.say(f"湖南省市场监督管理局\n行政处罚决定书\n湘市监处罚〔{today.year}〕{rng.integers(1, 999)}号\n")
    if rng.random() < 0.6:
        company = cast.company(rng)
        rep = cast.company_roles(company, rng)[0].person
        short = org_short(company, rng)
        b.fill("当事人：{org}（以下简称“{short}”）\n统一社会信用代码：{code}\n住所："
               + company.address + "\n法定代表人：{rep}{ctx}\n联系电话：{phone}\n",
               org=org_full(company), short=short, code=credit_slot(company),
               rep=person_slot(rep), ctx=person_context(rep, rng, today),
               phone=phone_slot(company))
        party: Piece = [org_ref(company, rng)]
        again: Piece = short
    else:
        person = cast.person(rng)
        sex = "男" if person.male else "女"
        b.fill("当事人：{name}\n性别：" + sex + "\n身份证号码：{id}\n住址：" + person.address
               + "\n联系电话：{phone}\n", name=person_slot(person), id=id_slot(person),
               phone=phone_slot(person))
        party, again = person_slot(person), person_slot(person)
    violation = pick(VIOLATIONS, rng)
    law = pick(LAWS, rng)
    opening = ("经查，{party}于{since}至{until}期间" + violation + "。",
               "本局执法人员于{until}对{party}的经营场所进行检查，发现其" + violation + "。")
    since = zh_date(today - dt.timedelta(days=int(rng.integers(200, 500))))
    until = zh_date(today - dt.timedelta(days=int(rng.integers(30, 190))))
    b.fill(opening[int(rng.integers(2))], party=party, since=since, until=until)
    b.fill("以上事实，有现场检查笔录、询问笔录及{again}提供的相关材料等证据为证。", again=again)
    pad(b, rng, ZH["penalty_decision"], target - 160)
    b.fill("本局认为，{again}的上述行为违反了" + law + "的规定。依据该条规定，本局决定对{again}"
           f"作出如下行政处罚：没收违法所得，并处罚款{fine}元。", again=again)
    b.say("如不服本处罚决定，可在收到本决定书之日起六十日内申请行政复议，也可以在六个月内依法"
          f"向人民法院提起行政诉讼。\n{zh_date(today)}")


def shareholder_change(b: DocumentBuilder, cast: Cast, rng: np.random.Generator,
                       today: dt.date, target: int) -> None:
    """股东变更公告: old shareholders transfer their shares to new ones."""
    company = cast.company(rng)
    roles = cast.company_roles(company, rng)
    holders = [r for r in roles if r.kind == "shareholder"][:3] or roles[:1]
    title = ("{org}股东变更公告\n", "关于{org}股东变更的公告\n")
    b.fill(title[int(rng.integers(2))], org=org_full(company))
    rep = roles[0].person if roles else cast.person(rng)
    b.fill("统一社会信用代码：{code}\n住所：" + company.address + "\n法定代表人：{rep}{ctx}\n根据《中华人民共和国公司法》及公司章程的有关规定，经{ref}"
           "股东会决议，现将股东变更事项公告如下：\n", code=credit_slot(company),
           rep=person_slot(rep), ctx=person_context(rep, rng, today), ref=org_ref(company, rng))
    for n, holder in enumerate(holders, start=1):
        buyer = cast.person(rng)
        share = holder.share if holder.share is not None else round(float(rng.uniform(.1, .5)), 2)
        ratio = f"{share * 100:.0f}%"
        phrasing = ("{n}、原股东{old}{octx}将其持有的{ref}{ratio}股权转让给{new}{nctx}。\n",
                    "{n}、{old}{octx}退出股东会，其{ratio}股权由新股东{new}{nctx}受让。\n")
        b.fill(phrasing[int(rng.integers(2))], n=str(n), old=person_slot(holder.person),
               octx=person_context(holder.person, rng, today, "，"), ref=org_ref(company, rng),
               ratio=ratio, new=person_slot(buyer), nctx=person_context(buyer, rng, today))
    b.fill("变更后，公司法定代表人仍为{rep}，注册资本" + str(company.capital) + "万元不变。",
           rep=person_slot(rep))
    pad(b, rng, ZH["shareholder_change"], target - 40)
    b.fill("特此公告。\n{org}\n" + zh_date(today), org=org_full(company))


def court_notice(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
                 target: int) -> None:
    """A court's page of notices (开庭公告, 公告送达), each of a civil case against a person,
    until the page nears `target` characters."""
    defendant = cast.person(rng)
    court = f"{defendant.city}{defendant.county}人民法院"
    b.say(court + "\n公告\n")
    while True:
        court_case(b, cast, rng, today, defendant)
        if b.length >= target - 300:
            break
        defendant = cast.person(rng)
    pad(b, rng, ZH["court_notice"], target - 30)
    b.say(f"\n{court}\n{zh_date(today)}")


def court_case(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
               defendant: Person) -> None:
    """One notice: a hearing date, or service by public notice to an absent defendant."""
    case = pick(CASES, rng)
    if rng.random() < 0.5:
        plaintiff: Piece = org_full(cast.company(rng))
    else:
        plaintiff = [person_slot(p := cast.person(rng)), person_context(p, rng, today, "，")]
    hearing = zh_date(today + dt.timedelta(days=int(rng.integers(35, 90))))
    if rng.random() < 0.5:
        b.fill("本院定于" + hearing + "上午9时在本院第" + str(int(rng.integers(1, 12)))
               + "法庭公开开庭审理原告{p}与被告{d}" + case + "一案。", p=plaintiff,
               d=person_slot(defendant))
        context = person_context(defendant, rng, today)
        if context:
            b.fill("被告{d}{ctx}。", d=person_slot(defendant), ctx=context)
        b.say("\n")
    else:
        b.fill("{d}{ctx}：\n本院受理原告{p}诉你" + case + "一案，因你下落不明，依照《中华人民共和国"
               "民事诉讼法》第九十五条的规定，向你公告送达起诉状副本、应诉通知书、举证通知书及开庭"
               "传票。自公告之日起经过三十日，即视为送达。本案定于" + hearing + "开庭审理，逾期将依法"
               "缺席判决。\n", d=person_slot(defendant),
               ctx=person_context(defendant, rng, today), p=plaintiff)


NEWS_LEADS = ("{org}召开{year}年度工作会议\n本报讯 {date}，位于{place}的{org2}召开年度工作会议。",
              "{org}新建生产线项目开工\n本报讯 {date}，由{org2}投资建设的新生产线项目在{place}正式开工。",
              "{org}入选省级专精特新企业名单\n本报讯 {date}，省工业和信息化厅公布了新一批专精特新中小"
              "企业名单，位于{place}的{org2}榜上有名。")
NEWS_QUOTES = ("{ref}{title}{who}{ctx}表示，公司将继续加大研发投入，推动转型升级。",
               "据{ref}{title}{who}{ctx}介绍，公司今年计划投资一亿余元用于扩大产能。",
               "“我们将把更多资源投入到技术创新上。”{ref}{title}{who}{ctx}说。")
NEWS_PARTNERS = ("会上，{ref}与{partner}签署了战略合作协议", "同日，{ref}与{partner}就供应链合作达成一致",
                 "据悉，{ref}已与{partner}建立长期合作关系")


def news(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
         target: int) -> None:
    """A news item about a company, a person in one of its roles, a partner company and a
    passer-by."""
    company = cast.company(rng)
    roles = cast.company_roles(company, rng)
    b.fill(pick(NEWS_LEADS, rng), org=org_ref(company, rng), year=str(today.year),
           date=zh_date(today), place="".join(company.place), org2=org_full(company))
    if roles:
        role = pick(roles, rng)
        b.fill(pick(NEWS_QUOTES, rng), ref=org_ref(company, rng),
               title=pick(ROLE_TITLES[role.kind], rng), who=person_slot(role.person),
               ctx=person_context(role.person, rng, today, "，"))
        if role.share is not None:
            b.fill("据企业信用信息公示系统显示，{who}持有该公司" + f"{role.share * 100:.0f}%"
                   "的股份。", who=person_slot(role.person))
    b.fill("据了解，{ref}成立于" + f"{company.established.year}年，注册资本{company.capital}"
           "万元，统一社会信用代码为{code}。", ref=org_ref(company, rng),
           code=credit_slot(company))
    partner = cast.company(rng)
    partner_roles = cast.company_roles(partner, rng)
    b.fill(pick(NEWS_PARTNERS, rng), ref=org_ref(company, rng), partner=org_full(partner))
    if partner_roles:
        b.fill("，{p}法定代表人{who}{ctx}出席签约仪式。", p=org_ref(partner, rng),
               who=person_slot(partner_roles[0].person),
               ctx=person_context(partner_roles[0].person, rng, today, "，"))
    else:
        b.say("。")
    guest = cast.person(rng)
    b.fill("市民{who}{ctx}告诉记者，企业发展带动了周边就业。", who=person_slot(guest),
           ctx=person_context(guest, rng, today, "，"))
    pad(b, rng, ZH["news"], target)


KINDS = {"penalty_decision": penalty, "shareholder_change": shareholder_change,
         "court_notice": court_notice, "news": news}
