"""The offline region report: one self-contained HTML page (charts as base64 PNG data URIs,
CSS inline, no script, no network) with each chart's numbers in a table beneath it, and the
same charts as PNG files in ``<stem>_files/`` beside the page.

It shows only aggregates (counts and sums per division, industry and department), so there is
no personal data in it to mask.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from graph import region_charts as charts

Sections = dict[str, tuple[str, pd.DataFrame]]

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
margin:24px auto;max-width:1000px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px}
p.summary{color:#555;margin:0 0 16px}img{max-width:100%;display:block}
p.png{font-size:12px;color:#777;margin:2px 0 8px}
table{border-collapse:collapse;font-size:13px;margin:4px 0 12px}
th,td{border:1px solid #ccd;padding:3px 8px}th{background:#eef1f7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
"""


def section_png(key: str, frame: pd.DataFrame, by: str) -> bytes:
    """The chart of one ``kglink mine regions`` section, drawn from its table."""
    if key == "ranking":
        return charts.ranking_png(frame, by)
    draw = {"industry": charts.industry_png, "established": charts.established_png,
            "flows": charts.flows_png, "coverage": charts.coverage_png}[key]
    return draw(frame)


def cell(value: object) -> str:
    """A table cell: numbers right-aligned (yuan sums with two decimals), text escaped."""
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    if isinstance(value, float):
        return f'<td class="n">{value:,.2f}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def table_html(key: str, frame: pd.DataFrame) -> str:
    """The frame as an HTML table (``id`` = the section key)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>"
                   for row in frame.astype(object).itertuples(index=False))
    return f'<table id="{key}"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def page_html(summary: str, sections: Sections, pngs: dict[str, bytes], folder: str) -> str:
    """The whole page: heading, summary line, then per section its chart and its table."""
    parts = []
    for key, (title, frame) in sections.items():
        data = base64.b64encode(pngs[key]).decode("ascii")
        parts.append(f"<h2>{html.escape(title)}</h2>"
                     f'<img alt="{html.escape(title)}" src="data:image/png;base64,{data}">'
                     f'<p class="png">PNG: {html.escape(folder)}/{key}.png</p>'
                     + table_html(key, frame))
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>kglink region report</title>"
            f"<style>{CSS}</style></head><body><h1>Region report</h1>"
            f'<p class="summary">{html.escape(summary)}</p>' + "".join(parts)
            + "</body></html>\n")


def write_region_report(sections: Sections, summary: str, by: str, path: str | Path,
                        progress: Callable[[str], None]) -> list[Path]:
    """Draw each section's chart, write the PNGs to ``<stem>_files/`` and the page to
    ``path``; returns the files written (the page first)."""
    page = Path(path)
    folder = page.with_name(f"{page.stem}_files")
    folder.mkdir(parents=True, exist_ok=True)
    pngs, written = {}, []
    for number, (key, (title, frame)) in enumerate(sections.items(), start=1):
        progress(f"chart {number}/{len(sections)}: {title}")
        pngs[key] = section_png(key, frame, by)
        png = folder / f"{key}.png"
        png.write_bytes(pngs[key])
        written.append(png)
    page.write_text(page_html(summary, sections, pngs, folder.name), encoding="utf-8")
    return [page, *written]
