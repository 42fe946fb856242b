"""English document templates (news, penalty notices, shareholder change notices, court
notices) about the same World: persons in pinyin with their usual variants, companies from
their parts."""

from __future__ import annotations

import datetime as dt

import numpy as np

from loaders.synthetic.document_builder import DocumentBuilder, Piece, Slot
from loaders.synthetic.document_cast import Cast, Company, Person
from loaders.synthetic.document_fillers import EN
from loaders.synthetic.document_templates import (
    ABBREVIATION_SHARE,
    age,
    credit_slot,
    id_slot,
    needs_context,
    pad,
    phone_slot,
    pick,
)
from loaders.synthetic.romanise import (
    INDUSTRY_EN,
    LEGAL_FORM_EN,
    core_pinyin,
    name_variants,
    place_pinyin,
)

CANONICAL_NAME_SHARE = 0.55  # person mentions in the canonical "Zhang Jianguo" form
ROLE_TITLES = {"legal_representative": ("legal representative", "chairman"),
               "shareholder": ("shareholder",),
               "executive": ("general manager", "director", "supervisor")}
CASES = ("a private lending dispute", "a sales contract dispute", "a lease dispute",
         "a labour dispute", "an equity transfer dispute", "a construction contract dispute")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def en_date(day: dt.date, style: int) -> str:
    month = MONTHS[day.month - 1]
    return f"{day.day} {month} {day.year}" if style else f"{month} {day.day}, {day.year}"


def residence(person: Person) -> str:
    return f"{place_pinyin(person.county)}, {place_pinyin(person.city)}, Hunan"


def person_slot(person: Person, rng: np.random.Generator) -> Slot:
    forms = name_variants(person.surname, person.given)
    pick = 0 if rng.random() < CANONICAL_NAME_SHARE else int(rng.integers(1, len(forms)))
    return Slot(forms[pick], "person", person.true_id, ambiguous=person.others_en >= 1)


def org_full(company: Company, rng: np.random.Generator) -> Slot:
    industry, form = INDUSTRY_EN[company.industry], LEGAL_FORM_EN[company.form]
    text = (f"{place_pinyin(company.prefix)} {core_pinyin(company.core)} "
            f"{pick(industry, rng)} {pick(form, rng)}")
    return Slot(text, "organization", company.true_id)


def org_short(company: Company, rng: np.random.Generator) -> Slot:
    """"Xingcheng Zhiyuan Technology" or "Xingcheng Zhiyuan"."""
    core = core_pinyin(company.core)
    text = core if rng.random() < 0.5 else f"{core} {INDUSTRY_EN[company.industry][0]}"
    return Slot(text, "organization", company.true_id, abbreviated=True)


def org_ref(company: Company, rng: np.random.Generator) -> Slot:
    """A running-text reference: an abbreviation with ABBREVIATION_SHARE."""
    return org_short(company, rng) if rng.random() < ABBREVIATION_SHARE else \
        org_full(company, rng)


def person_context(person: Person, rng: np.random.Generator, today: dt.date) -> list[Piece]:
    if not needs_context(person, rng):
        return []
    sex = "male" if person.male else "female"
    style = int(rng.integers(2))
    options: list[list[Piece]] = [
        [f", {sex}, born on {en_date(person.birth, style)}, of {residence(person)}"],
        [f", {age(person, today)}, ID number ", id_slot(person)],
        [" (ID card No. ", id_slot(person), ")"],
        [f", {sex}, born {en_date(person.birth, style)}, residing in {residence(person)}, "
         "tel. ", phone_slot(person)],
        [f", a resident of {place_pinyin(person.county)} born in {person.birth.year}"],
    ]
    return pick(options, rng)


def penalty(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
            target: int) -> None:
    """An administrative penalty notice against a company or a person."""
    b.say(f"Administrative Penalty Decision\nHunan Administration for Market Regulation, "
          f"{en_date(today, 1)}\n")
    fine = int(rng.integers(2, 200)) * 500
    if rng.random() < 0.6:
        company = cast.company(rng)
        rep = cast.company_roles(company, rng)[0].person
        short = org_short(company, rng)
        b.fill("Party: {org} (hereinafter \"{short}\"), unified social credit code {code}, "
               "legal representative {rep}{ctx}. Telephone: {phone}.\n",
               org=org_full(company, rng), short=short, code=credit_slot(company),
               rep=person_slot(rep, rng), ctx=person_context(rep, rng, today),
               phone=phone_slot(company))
        party: Piece = short
    else:
        person = cast.person(rng)
        b.fill("Party: {name}, ID number {id}, residing in " + residence(person)
               + ", telephone {phone}.\n", name=person_slot(person, rng), id=id_slot(person),
               phone=phone_slot(person))
        party = person_slot(person, rng)
    b.fill("An inspection found that {party} sold food past its shelf life and kept expired "
           "raw materials on the premises. ", party=party)
    pad(b, rng, EN["penalty_decision"][:-1], target - 120)
    b.fill("The bureau decided to confiscate the illegal gains of {party} and impose a fine of "
           f"{fine} yuan. ", party=party)
    b.say(EN["penalty_decision"][-1])


def shareholder_change(b: DocumentBuilder, cast: Cast, rng: np.random.Generator,
                       today: dt.date, target: int) -> None:
    """A notice of shareholder change."""
    company = cast.company(rng)
    roles = cast.company_roles(company, rng)
    b.fill("Notice of Change of Shareholders of {org}\nUnified social credit code: {code}\n"
           "By resolution of the shareholders' meeting of {ref}, the following changes are "
           "announced.\n", org=org_full(company, rng), code=credit_slot(company),
           ref=org_ref(company, rng))
    for holder in [r for r in roles if r.kind == "shareholder"][:3] or roles[:1]:
        buyer = cast.person(rng)
        share = holder.share if holder.share is not None else round(float(rng.uniform(.1, .5)), 2)
        b.fill("Former shareholder: {old}{octx}. Transferee: {new}{nctx}. Stake "
               "transferred: {ratio}.\n", old=person_slot(holder.person, rng),
               octx=person_context(holder.person, rng, today), ratio=f"{share * 100:.0f}%",
               new=person_slot(buyer, rng), nctx=person_context(buyer, rng, today))
    pad(b, rng, EN["shareholder_change"], target - 60)
    b.fill(f"Announced on {en_date(today, 0)} by " + "{org}.", org=org_full(company, rng))


def court_notice(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
                 target: int) -> None:
    """A court's notices of hearing, each against a person, until near `target` chars."""
    defendant = cast.person(rng)
    court = f"People's Court of {place_pinyin(defendant.county)}"
    b.say(f"Notices of Hearing\n{court}, {en_date(today, 1)}\n")
    while True:
        plaintiff: Piece = org_full(cast.company(rng), rng) if rng.random() < 0.5 else \
            person_slot(cast.person(rng), rng)
        hearing = en_date(today + dt.timedelta(days=int(rng.integers(35, 90))), 1)
        b.fill("The court will hear the case of plaintiff {p} against defendant {d}{ctx}, "
               "concerning " + pick(CASES, rng) + f", on {hearing}. "
               "As the whereabouts of {d2} are unknown, the summons is served by public "
               "notice.\n", p=plaintiff, d=person_slot(defendant, rng),
               ctx=person_context(defendant, rng, today), d2=person_slot(defendant, rng))
        if b.length >= target - 300:
            break
        defendant = cast.person(rng)
    pad(b, rng, EN["court_notice"], target)


NEWS_LEADS = ("{org}, based in {place}, held its annual work conference on Monday. ",
              "{org} broke ground on a new production line in {place} this week. ",
              "{org}, a company based in {place}, was named on the province's new list of "
              "specialised and innovative small and medium-sized enterprises. ")
NEWS_QUOTES = ("{who}{ctx}, {title} of {ref}, said the company would keep raising its "
               "research spending. ",
               "\"We will put more resources into technology,\" said {who}{ctx}, {title} of "
               "{ref}. ",
               "According to {who}{ctx}, {title} of {ref}, the company plans to invest over 100 "
               "million yuan in new capacity this year. ")
NEWS_PARTNERS = ("It signed a cooperation agreement with {partner}",
                 "The same day it agreed a supply-chain partnership with {partner}")


def news(b: DocumentBuilder, cast: Cast, rng: np.random.Generator, today: dt.date,
         target: int) -> None:
    """A news item about a company, a person in one of its roles and a partner company."""
    company = cast.company(rng)
    city, county = company.place
    b.say(f"CHANGSHA, {en_date(today, 0)} - ")
    b.fill(pick(NEWS_LEADS, rng), org=org_full(company, rng),
           place=f"{place_pinyin(county)}, {place_pinyin(city)}")
    roles = cast.company_roles(company, rng)
    if roles:
        role = pick(roles, rng)
        b.fill(pick(NEWS_QUOTES, rng), who=person_slot(role.person, rng),
               ctx=person_context(role.person, rng, today),
               title=pick(ROLE_TITLES[role.kind], rng), ref=org_ref(company, rng))
    b.fill("Founded in " + str(company.established.year) + ", {ref} has a registered capital "
           f"of {company.capital * 10_000:,} yuan and the credit code " + "{code}. ",
           ref=org_ref(company, rng), code=credit_slot(company))
    partner = cast.company(rng)
    partner_roles = cast.company_roles(partner, rng)
    b.fill(pick(NEWS_PARTNERS, rng), partner=org_full(partner, rng))
    if partner_roles:
        rep = partner_roles[0].person
        b.fill(". The signing was attended by its legal representative {who}{ctx}. ",
               who=person_slot(rep, rng), ctx=person_context(rep, rng, today))
    else:
        b.say(". ")
    pad(b, rng, EN["news"], target)


KINDS = {"penalty_decision": penalty, "shareholder_change": shareholder_change,
         "court_notice": court_notice, "news": news}
