"""Registered capital and other money values: "200万元" -> 2000000 CNY, for typed RDF.

Government registers write amounts as text with a unit (万 = 10^4, 亿 = 10^8) and a currency
word (元, 人民币, 美元, ...). RDF carries them as an ``xsd:decimal`` amount and an ISO 4217 code,
so that a reasoner and SHACL can check them; text that is no amount is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

DEFAULT_CURRENCY = "CNY"
_CURRENCIES = {
    "人民币": "CNY", "元": "CNY", "元人民币": "CNY", "人民币元": "CNY", "CNY": "CNY", "RMB": "CNY",
    "美元": "USD", "USD": "USD", "港元": "HKD", "港币": "HKD", "HKD": "HKD",
    "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY", "英镑": "GBP", "GBP": "GBP",
}
_UNITS = {"": 1, "万": 10_000, "亿": 100_000_000, "千": 1_000, "百万": 1_000_000}
_MONEY = re.compile(
    r"(?P<pre>人民币|RMB|CNY|USD|HKD|EUR|JPY|GBP)?\s*"
    r"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*"
    r"(?P<unit>百万|万|亿|千)?\s*"
    r"(?P<post>元人民币|人民币元|人民币|元|美元|港元|港币|欧元|日元|英镑|"
    r"CNY|RMB|USD|HKD|EUR|JPY|GBP)?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Money:
    """An amount in units of an ISO 4217 currency."""

    amount: Decimal
    currency: str

    @property
    def lexical(self) -> str:
        """The amount in the XSD 1.0 canonical ``xsd:decimal`` form ("2000000.0", "0.5"), the
        form Turtle writes and reads back, so the same amount is always the same literal."""
        text = format(self.amount.normalize(), "f")
        return text + ".0" if "." not in text else text


def parse_money(value: Any) -> Money | None:
    """A number (yuan) or text such as "200万元", "1,000 USD", "5000万美元" as Money; None when
    the value is not one amount (e.g. "lots", "-", two numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        return Money(amount, DEFAULT_CURRENCY) if amount.is_finite() else None
    if not isinstance(value, str):
        return None
    match = _MONEY.fullmatch(value.strip())
    if match is None or (match.group("pre") and match.group("post")):
        return None
    try:
        number = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation:
        return None
    word = (match.group("pre") or match.group("post") or "").upper()
    currency = _CURRENCIES.get(word, DEFAULT_CURRENCY)
    return Money(number * _UNITS[match.group("unit") or ""], currency)


def money_value(amount: float, currency: str | None) -> float | str:
    """The graph value of an amount read back from RDF: a number of yuan, or "<amount>
    <currency>" text for another currency (which ``parse_money`` reads again)."""
    if currency in (None, DEFAULT_CURRENCY):
        return amount
    return f"{Money(Decimal(str(amount)), currency).lexical} {currency}"
