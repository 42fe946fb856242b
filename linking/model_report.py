"""Reading, printing and charting a saved linking model (``model.json``, kglink-link-model v1).

Works on the JSON document alone (a plain dict), never on the engine's objects, so a model file
can be inspected without fitting anything. ``model_table`` is what ``kglink model show`` prints;
``write_weights_chart`` draws the match-weights chart in the manner of Splink's
``match_weights_chart``: one bar per comparison level in bits, coloured by sign, grouped by
comparison under the prior, with the m and u probabilities in a second panel.
"""

from __future__ import annotations

import html
import io
import json
import math
from dataclasses import dataclass
from numbers import Real
from pathlib import Path

MODEL_FORMAT = "kglink-link-model"
SUPPORTED_VERSIONS = (1,)
CHART_SUFFIXES = (".png", ".html")
SVG_METADATA = ("Date", "Creator", "Format", "Type")  # left out: no date, no RDF links

NEGATIVE = "#c8423b"  # weight < 0: evidence against a match
POSITIVE = "#2f6fb0"  # weight > 0: evidence for a match
NEUTRAL = "#9a9a9a"
M_COLOUR = "#3a9a5b"
U_COLOUR = "#e08a2e"


# --- reading and validating -------------------------------------------------------------


def read_model_document(path: Path | str) -> dict:
    """Load a model file and check it is a kglink-link-model this code can read.

    Every problem is a ValueError with one line naming the file and what is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a directory, not a model file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a JSON file (not UTF-8 text)") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a JSON file ({exc.msg} at line {exc.lineno})") from None
    problem = model_document_problem(document)
    if problem:
        raise ValueError(f"{path}: {problem}")
    return document


def model_document_problem(document: object) -> str | None:
    """What makes ``document`` unreadable as a model, in a few words; None when it is fine."""
    if not isinstance(document, dict):
        return f"not a model document (top level is a JSON {_json_type(document)})"
    if document.get("format") != MODEL_FORMAT:
        return f"format is {document.get('format')!r}, expected {MODEL_FORMAT!r}"
    version = document.get("version")
    if version not in SUPPORTED_VERSIONS:
        return (f"unsupported model version {version!r} "
                f"(this kglink reads version {', '.join(map(str, SUPPORTED_VERSIONS))})")
    entities = document.get("entities")
    if not isinstance(entities, dict) or not entities:
        return "missing entities (expected an object with one section per entity type)"
    for name, section in entities.items():
        problem = _entity_problem(section)
        if problem:
            return f"entities.{name}: {problem}"
    return None


def _entity_problem(section: object) -> str | None:
    if not isinstance(section, dict):
        return f"is a JSON {_json_type(section)}, expected an object"
    prior = section.get("prior")
    if not isinstance(prior, dict):
        return "missing prior"
    for key in ("probability", "weight"):
        if not _is_number(prior.get(key)):
            return f"prior.{key} is missing or not a number"
    if not _is_number(section.get("threshold")):
        return "threshold is missing or not a number"
    comparisons = section.get("comparisons")
    if not isinstance(comparisons, list):
        return "missing comparisons (expected a list)"
    for i, comparison in enumerate(comparisons):
        problem = _comparison_problem(comparison)
        if problem:
            return f"comparisons[{i}]: {problem}"
    groups = len(_compared_groups(section))
    for i, comparison in enumerate(comparisons):
        for j, at_home in enumerate(comparison.get("when_group_agrees", [])):
            problem = _at_home_problem(at_home, len(comparison["levels"]), groups)
            if problem:
                return f"comparisons[{i}].when_group_agrees[{j}]: {problem}"
    return None


def _at_home_problem(at_home: object, n_levels: int, groups: int) -> str | None:
    """What is wrong with one comparison's weights among co-residents, if anything."""
    if not isinstance(at_home, dict) or at_home.get("group") not in range(groups):
        return f"group must be the index of one of the {groups} compared evidence groups"
    levels = at_home.get("levels")
    if not isinstance(levels, list) or len(levels) != n_levels:
        return f"levels must list the comparison's {n_levels} levels"
    for j, level in enumerate(levels):
        if not isinstance(level, dict) or not all(_is_number(level.get(k))
                                                  for k in ("u", "weight")):
            return f"levels[{j}].u or .weight is missing or not a number"
    return None


def _comparison_problem(comparison: object) -> str | None:
    if not isinstance(comparison, dict):
        return f"is a JSON {_json_type(comparison)}, expected an object"
    if not isinstance(comparison.get("field"), str):
        return "missing field"
    levels = comparison.get("levels")
    if not isinstance(levels, list) or not levels:
        return "missing levels (expected a non-empty list)"
    for j, level in enumerate(levels):
        if not isinstance(level, dict) or not isinstance(level.get("label"), str):
            return f"levels[{j}] has no label"
        for key in ("m", "u", "weight"):
            if not _is_number(level.get(key)):
                return f"levels[{j}].{key} is missing or not a number"
    tf = comparison.get("term_frequencies")
    if tf is not None and not (isinstance(tf, dict) and isinstance(tf.get("values", {}), dict)):
        return "term_frequencies is not an object with a values object"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", type(None): "null", dict: "object"}
    return names.get(type(value), "number")


# --- formatting shared by the text table and the HTML table -----------------------------


def bits(probability: float) -> float:
    """log2(p / (1 - p)): a probability as a match weight in bits (±inf at 1 and 0)."""
    if probability <= 0:
        return -math.inf
    if probability >= 1:
        return math.inf
    return math.log2(probability / (1.0 - probability))


def fmt_prob(value: float) -> str:
    """A probability with up to 4 significant digits (0.9, 0.001, 1.2e-05)."""
    return f"{value:.4g}"


def fmt_bits(value: float) -> str:
    """A weight in bits, signed, 2 decimals (+9.81, -5.57, +inf)."""
    return f"{value:+.2f}"


def _count(value: object) -> str:
    return f"{value:,}" if _is_number(value) else "?"


def blocking_text(rule: dict) -> str:
    """One blocking rule in words: 'exact: given_name + family_name', 'sorted: name, window 5'."""
    keys = " + ".join(map(str, rule.get("keys", [])))
    method = rule.get("method", "exact")
    extras = [f"{k} {v}" for k, v in rule.items()
              if k not in ("keys", "method") and not (method == "exact" and k == "window")]
    return f"{method}: {keys}" + "".join(f", {e}" for e in extras)


def comparison_title(comparison: dict) -> str:
    """'given_name (name, tf)': the field, its comparison kind and whether tf applies."""
    notes = [str(comparison["kind"])] if comparison.get("kind") else []
    if comparison.get("tf"):
        notes.append("tf")
    return comparison["field"] + (f" ({', '.join(notes)})" if notes else "")


def tf_adjustment_range(comparison: dict) -> tuple[float, float] | None:
    """The smallest and largest term-frequency adjustment in bits on the top level.

    Each value's adjustment is log2(u_random / share) clipped to ±cap, as the scorer applies
    it; a value not listed has share ``floor`` when the model gives one. None when the
    comparison carries no term frequencies.
    """
    import numpy as np

    tf = comparison.get("term_frequencies")
    if not tf or not _is_number(tf.get("u_random")):
        return None
    shares = list(tf.get("values", {}).values())
    if _is_number(tf.get("floor")):
        shares.append(tf["floor"])
    freqs = np.asarray(shares, dtype=float)
    freqs = freqs[freqs > 0]
    if not len(freqs):
        return None
    adjust = np.log2(float(tf["u_random"]) / freqs)
    if _is_number(tf.get("cap")):
        adjust = np.clip(adjust, -float(tf["cap"]), float(tf["cap"]))
    return float(adjust.min()), float(adjust.max())


def tf_summary(comparison: dict) -> str | None:
    """'1,234 values, u_random 0.0031, cap 4 bits, top level adjusted by -2.10 .. +4.00 bits'."""
    tf = comparison.get("term_frequencies")
    if not tf:
        return None
    parts = [f"{len(tf.get('values', {})):,} values"]
    if _is_number(tf.get("floor")):
        parts.append(f"unlisted values share {fmt_prob(tf['floor'])}")
    if _is_number(tf.get("u_random")):
        parts.append(f"u_random {fmt_prob(tf['u_random'])}")
    if _is_number(tf.get("cap")):
        parts.append(f"cap {tf['cap']:g} bits")
    span = tf_adjustment_range(comparison)
    if span:
        parts.append(f"top level adjusted by {fmt_bits(span[0])} .. {fmt_bits(span[1])} bits")
    return ", ".join(parts)


# --- the text table ---------------------------------------------------------------------


def model_table(document: dict) -> str:
    """The model as readable text: per entity type its prior, threshold, blocking rules and,
    for each comparison, each level's label, m, u and weight; term-frequency summaries."""
    head = f"{document.get('format')} v{document.get('version')}"
    if document.get("created"):
        head += f", created {document['created']}"
    blocks = [head]
    for name, section in document["entities"].items():
        blocks.append("\n".join(_entity_lines(name, section)))
    return "\n\n".join(blocks)


def _entity_lines(name: str, section: dict) -> list[str]:
    prior = section["prior"]
    lines = [f"{name}  ({section.get('link_type', '?')}, "
             f"fitted on {_count(section.get('records_fitted'))} records)"]
    training = section.get("training")
    if isinstance(training, dict) and training:
        lines.append("  training   " + ", ".join(f"{k} {_count(v) if _is_number(v) else v}"
                                                  for k, v in training.items()))
    method = f"  ({prior['method']})" if prior.get("method") else ""
    lines.append(f"  prior      p {fmt_prob(prior['probability'])}, "
                 f"weight {fmt_bits(prior['weight'])} bits{method}")
    threshold = section["threshold"]
    lines.append(f"  threshold  p {fmt_prob(threshold)} = {fmt_bits(bits(threshold))} bits "
                 f"total weight")
    for i, rule in enumerate(section.get("blocking", [])):
        lines.append(("  blocking   " if i == 0 else "             ") + blocking_text(rule))
    if _is_number(section.get("max_block_size")):
        lines.append(f"  max block  {section['max_block_size']:,} records")
    groups = (section.get("settings") or {}).get("evidence_groups") or []
    for i, group in enumerate(groups):
        lines.append(("  one piece  " if i == 0 else "             ") + " / ".join(group)
                     + "  (their strongest agreement counts, not the sum)")
    lines.append("")
    lines += _comparison_table(section["comparisons"], _compared_groups(section))
    return lines


def _compared_groups(section: dict) -> list[list[str]]:
    """The evidence groups as the model counts them (``EntitySettings.group_indices``):
    their compared fields, groups of two or more."""
    compared = {c.get("field") for c in section["comparisons"]}
    groups = (section.get("settings") or {}).get("evidence_groups") or []
    kept = [[f for f in group if f in compared] for group in groups]
    return [group for group in kept if len(group) >= 2]


def _comparison_table(comparisons: list[dict], groups: list[list[str]]) -> list[str]:
    labels = [level["label"] for c in comparisons for level in c["levels"]] + ["missing"]
    width = max(len(label) for label in labels) + 2
    lines = [f"  {'level':<{width + 4}}{'m':>10}{'u':>12}{'weight':>10}"]
    for comparison in comparisons:
        lines.append(f"  {comparison_title(comparison)}")
        for index in reversed(range(len(comparison["levels"]))):
            level = comparison["levels"][index]
            lines.append(f"    {index:>2} {level['label']:<{width - 1}}"
                         f"{fmt_prob(level['m']):>10}{fmt_prob(level['u']):>12}"
                         f"{fmt_bits(level['weight']):>10}")
        lines.append(f"    {-1:>2} {'missing':<{width - 1}}{'':>22}{fmt_bits(0.0):>10}")
        for at_home in comparison.get("when_group_agrees", []):
            lines.append("       where " + " / ".join(groups[at_home["group"]])
                         + " show one home (u among its co-residents):")
            for index in reversed(range(len(at_home["levels"]))):
                level = at_home["levels"][index]
                lines.append(f"    {index:>2} {level['label']:<{width - 1}}{'':>10}"
                             f"{fmt_prob(level['u']):>12}{fmt_bits(level['weight']):>10}")
        summary = tf_summary(comparison)
        if summary:
            lines.append(f"       term frequencies: {summary}")
    return lines


# --- the chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    """One line of the chart: a group header (no bar) or a bar for the prior or a level."""

    label: str
    weight: float | None = None
    m: float | None = None
    u: float | None = None
    tf_span: tuple[float, float] | None = None
    group: int = 0

    @property
    def is_header(self) -> bool:
        return self.weight is None


def chart_rows(section: dict) -> list[ChartRow]:
    """Rows top to bottom: the prior, then each comparison's levels from its top level down."""
    prior = section["prior"]
    rows = [ChartRow("prior (starting weight)", group=0),
            ChartRow(f"p = {fmt_prob(prior['probability'])}", float(prior["weight"]), group=0)]
    for g, comparison in enumerate(section["comparisons"], start=1):
        rows.append(ChartRow(comparison_title(comparison), group=g))
        top = len(comparison["levels"]) - 1
        span = tf_adjustment_range(comparison)
        for index in reversed(range(top + 1)):
            level = comparison["levels"][index]
            rows.append(ChartRow(level["label"], float(level["weight"]), float(level["m"]),
                                 float(level["u"]), span if index == top else None, group=g))
    return rows


def chart_format(path: Path | str) -> str:
    """'png' or 'html' from the file suffix; a one-line ValueError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise ValueError(f"{path}: unknown chart format {suffix or '(no suffix)'!r}; "
                         f"use {' or '.join(CHART_SUFFIXES)}")
    return suffix[1:]


def write_weights_chart(document: dict, path: Path) -> Path:
    """Write the match-weights chart as PNG or as a self-contained offline HTML page
    (inline SVG plus a table of the same numbers), chosen by the suffix of ``path``."""
    path = Path(path)
    kind = chart_format(path)
    figure = weights_figure(document)
    try:
        if kind == "png":
            figure.savefig(path, format="png", dpi=110)
        else:
            import matplotlib

            buffer = io.StringIO()
            with matplotlib.rc_context({"svg.hashsalt": "kglink"}):  # same input, same file
                figure.savefig(buffer, format="svg", metadata=dict.fromkeys(SVG_METADATA))
            path.write_text(chart_html(document, buffer.getvalue()), encoding="utf-8")
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return path


ROW_INCHES = 0.24     # height of one chart row
SECTION_INCHES = 1.1  # title, axis labels and ticks of one entity panel


def weights_figure(document: dict):
    """A matplotlib figure: per entity type, match weights (left) and m, u (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sections = list(document["entities"].items())
    heights = [len(chart_rows(section)) * ROW_INCHES + SECTION_INCHES for _, section in sections]
    figure, axes = plt.subplots(
        len(sections), 2, squeeze=False, figsize=(12, sum(heights) + 0.5),
        gridspec_kw={"height_ratios": heights, "width_ratios": [2.1, 1.1], "wspace": 0.05},
        layout="constrained")
    for (name, section), (weights_ax, mu_ax) in zip(sections, axes, strict=True):
        rows = chart_rows(section)
        draw_weights(weights_ax, rows)
        draw_m_u(mu_ax, rows)
        weights_ax.set_title(_panel_title(name, section), loc="left", fontsize=10,
                             fontweight="bold")
    figure.suptitle("Match weights by comparison level", fontsize=12)
    _figure_legend(figure)
    return figure


def _figure_legend(figure) -> None:
    """One legend at the foot of the figure for every panel: bar colours, whisker, m and u."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(color=POSITIVE, label="weight > 0: for a match"),
               Patch(color=NEGATIVE, label="weight < 0: against a match"),
               Line2D([], [], color="#222", marker="|", label="term-frequency range (top level)"),
               Patch(color=M_COLOUR, label="m"), Patch(color=U_COLOUR, label="u")]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8,
                  frameon=False)


def _panel_title(name: str, section: dict) -> str:
    threshold = section["threshold"]
    return (f"{name}: {len(section['comparisons'])} comparisons, threshold p "
            f"{fmt_prob(threshold)} = {fmt_bits(bits(threshold))} bits")


def _row_axis(ax, rows: list[ChartRow], show_labels: bool) -> list[int]:
    """Shared y layout: one slot per row, top to bottom, alternate groups shaded."""
    ys = list(range(len(rows)))
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(ys)
    ax.tick_params(axis="y", length=0)
    if show_labels:
        ax.set_yticklabels([r.label for r in rows], fontsize=8)
        for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
            tick.set_fontweight("bold" if row.is_header else "normal")
    else:
        ax.set_yticklabels([])
    for y, row in zip(ys, rows, strict=True):
        if row.is_header and row.group % 2 == 1:
            span_end = next((z for z in ys[y + 1:] if rows[z].group != row.group), len(rows))
            ax.axhspan(y - 0.5, span_end - 0.5, color="#f2f2f2", zorder=0)
    return ys


def draw_weights(ax, rows: list[ChartRow]) -> None:
    """Horizontal bars of weight in bits, red below zero, blue above, value at the bar end."""
    ys = _row_axis(ax, rows, show_labels=True)
    bars = [(y, r) for y, r in zip(ys, rows, strict=True) if not r.is_header]
    lo, hi = _weight_extent([r for _, r in bars])
    pad = 0.14 * (hi - lo)
    for y, row in bars:
        width = max(lo, min(hi, row.weight))  # an infinite weight is drawn to the edge
        colour = POSITIVE if row.weight > 0 else NEGATIVE if row.weight < 0 else NEUTRAL
        ax.barh(y, width, height=0.7, color=colour, zorder=2)
        end = width
        if row.tf_span and math.isfinite(row.weight):
            left, right = row.weight + row.tf_span[0], row.weight + row.tf_span[1]
            ax.plot([left, right], [y, y], color="#222", linewidth=1, marker="|",
                    markersize=7, zorder=3)
            end = right if width >= 0 else left
        ax.text(end + 0.012 * (hi - lo) * (1 if width >= 0 else -1), y, fmt_bits(row.weight),
                va="center", ha="left" if width >= 0 else "right", fontsize=7, color="#333",
                zorder=4)
    ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(0, color="#444", linewidth=0.8, zorder=3)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=1)
    ax.set_xlabel("match weight, bits: log2(m / u) per level; prior log2(p / (1 - p))",
                  fontsize=8)
    ax.tick_params(axis="x", labelsize=8)


def _weight_extent(rows: list[ChartRow]) -> tuple[float, float]:
    """The x range the bars and term-frequency whiskers need, always including 0."""
    ends = [r.weight for r in rows if math.isfinite(r.weight)]
    ends += [r.weight + d for r in rows if r.tf_span and math.isfinite(r.weight)
             for d in r.tf_span]
    lo, hi = min(ends + [0.0]), max(ends + [0.0])
    if hi - lo < 1.0:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def draw_m_u(ax, rows: list[ChartRow]) -> None:
    """Paired bars of m (green) and u (orange) per level on 0..1, values written beside."""
    ys = _row_axis(ax, rows, show_labels=False)
    for y, row in zip(ys, rows, strict=True):
        if row.m is None:
            continue
        ax.barh(y - 0.18, row.m, height=0.34, color=M_COLOUR, zorder=2)
        ax.barh(y + 0.18, row.u, height=0.34, color=U_COLOUR, zorder=2)
        ax.text(1.04, y, f"m {fmt_prob(row.m)}  u {fmt_prob(row.u)}", va="center", fontsize=7,
                color="#333")
    ax.set_title("m and u", loc="left", fontsize=9)
    ax.set_xlim(0, 1.8)  # room on the right for the written values
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.axvline(1, color="#bbbbbb", linewidth=0.6, zorder=1)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=1)
    ax.set_xlabel("m = P(level | match), u = P(level | non-match)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)


# --- the HTML page ----------------------------------------------------------------------


def chart_html(document: dict, svg: str) -> str:
    """A self-contained page: the chart as inline SVG, then a table per entity type."""
    svg = svg[svg.index("<svg"):]  # drop the XML declaration and DOCTYPE
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>kglink model: match weights</title>",
        "<style>body{font-family:sans-serif;margin:1.5em;color:#222}"
        "table{border-collapse:collapse;margin:0.5em 0 2em}"
        "td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums}"
        "td.neg{color:#c8423b}td.pos{color:#2f6fb0}"
        "svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>{html.escape(document['format'])} v{document['version']}</h1>",
        f'<div class="chart">{svg}</div>',
    ]
    for name, section in document["entities"].items():
        parts.append(_entity_html(name, section))
    parts.append("</body></html>")
    return "\n".join(parts)


def _entity_html(name: str, section: dict) -> str:
    prior, threshold = section["prior"], section["threshold"]
    rows = [f"<h2>{html.escape(name)}</h2>",
            f"<p>prior p {fmt_prob(prior['probability'])}, weight "
            f"{fmt_bits(prior['weight'])} bits; threshold p {fmt_prob(threshold)} = "
            f"{fmt_bits(bits(threshold))} bits</p>"]
    blocking = [html.escape(blocking_text(rule)) for rule in section.get("blocking", [])]
    if blocking:
        rows.append("<p>blocking: " + "; ".join(blocking) + "</p>")
    rows.append("<table><tr><th>comparison</th><th>level</th><th>label</th><th>m</th>"
                "<th>u</th><th>weight (bits)</th></tr>")
    groups = _compared_groups(section)
    for comparison in section["comparisons"]:
        title = html.escape(comparison_title(comparison))
        for index in reversed(range(len(comparison["levels"]))):
            level = comparison["levels"][index]
            rows.append(_level_row(title, index, level, fmt_prob(level["m"])))
        for at_home in comparison.get("when_group_agrees", []):
            home = html.escape(" / ".join(groups[at_home["group"]]))
            for index in reversed(range(len(at_home["levels"]))):
                rows.append(_level_row(f"{title}, where {home} show one home", index,
                                       at_home["levels"][index], ""))
        summary = tf_summary(comparison)
        if summary:
            rows.append(f"<tr><td>{title}</td><td></td><td colspan=4>term frequencies: "
                        f"{html.escape(summary)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _level_row(title: str, index: int, level: dict, m: str) -> str:
    """One table row: a level's label, m (blank where it is the row above's), u, weight."""
    sign = "pos" if level["weight"] > 0 else "neg" if level["weight"] < 0 else ""
    return (f"<tr><td>{title}</td><td class=n>{index}</td>"
            f"<td>{html.escape(level['label'])}</td><td class=n>{m}</td>"
            f"<td class=n>{fmt_prob(level['u'])}</td>"
            f'<td class="n {sign}">{fmt_bits(level["weight"])}</td></tr>')
