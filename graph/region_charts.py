"""The region report's charts as PNG bytes (matplotlib, Agg, a CJK font for division names).

One function per section of ``kglink mine regions``: prefectures ranked (bars), industry mix
per division (stacked bars), companies established per year (lines), the cross-prefecture
flow matrix (heatmap) and department coverage (stacked bars, persons and companies). Each takes
the very table printed beneath its chart, so a chart never shows a number its table lacks.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd

from graph.export.picture import cjk_font
from graph.regions import MEASURES, NOT_DERIVED

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BAR_COLOUR = "#3b6fb6"  # the ranking bars (the rendering test looks for this colour)
DPI = 110


@contextmanager
def _drawing() -> Iterator[None]:
    """Agg backend, the CJK font when one is installed, and no font warnings for the user."""
    import matplotlib

    matplotlib.use("Agg")
    font = cjk_font()
    fonts = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": fonts,
                                "axes.unicode_minus": False}), \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)
        yield


def _png(draw: Callable[[Axes], None], size: tuple[float, float]) -> bytes:
    """Draw on a fresh figure and return it as PNG bytes."""
    import matplotlib.pyplot as plt

    with _drawing():
        figure: Figure = plt.figure(figsize=size)
        try:
            draw(figure.add_subplot())
            figure.tight_layout()
            out = io.BytesIO()
            figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(figure)
    return out.getvalue()


def _whole_numbers():
    """Axis ticks at whole numbers only (counts have no halves)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, "no data", ha="center", va="center", fontsize=14, color="#777")
    ax.set_axis_off()


def ranking_png(table: pd.DataFrame, by: str) -> bytes:
    """Horizontal bars of the ranked divisions' measure ``by``, the first on top."""
    column = MEASURES[by]

    def draw(ax: Axes) -> None:
        if table.empty:
            return _no_data(ax)
        ax.barh(table["name"][::-1], table[column][::-1], color=BAR_COLOUR)
        ax.set_xlabel(column)
        ax.xaxis.set_major_locator(_whole_numbers())
        ax.set_title(f"ranked by {by}")
        ax.grid(axis="x", alpha=0.3)

    return _png(draw, (8, 1.5 + 0.35 * len(table)))


def stacked_png(wide: pd.DataFrame, title: str, unit: str) -> bytes:
    """Stacked horizontal bars: one bar per row of ``wide``, one segment per column."""
    def draw(ax: Axes) -> None:
        if wide.empty:
            return _no_data(ax)
        wide[::-1].plot.barh(stacked=True, ax=ax, colormap="tab20", width=0.7)
        ax.set_xlabel(unit)
        ax.xaxis.set_major_locator(_whole_numbers())
        ax.set_ylabel("")
        ax.set_title(title)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)

    return _png(draw, (9, 1.8 + 0.4 * len(wide)))


def industry_labels(industry: pd.DataFrame) -> pd.Series:
    """The chart's label of each industry row: derived industries (from the name or the
    credit code) marked " *"."""
    return industry["industry"].where(industry["derived"] == NOT_DERIVED,
                                      industry["industry"] + " *")


def industry_png(industry: pd.DataFrame) -> bytes:
    """Companies per industry of each ranked division (derived industries marked *)."""
    wide = industry.assign(label=industry_labels(industry)).pivot_table(
        index="name", columns="label", values="companies", aggfunc="sum", fill_value=0,
        sort=False)
    return stacked_png(wide, "industry mix (* derived from the name or the credit code)", "companies")


def coverage_png(coverage: pd.DataFrame) -> bytes:
    """Entities per department in each prefecture, persons and companies stacked together."""
    long = coverage.melt(id_vars=["name", "department"], value_vars=["persons", "companies"],
                         var_name="kind", value_name="entities")
    long = long[long["entities"] > 0]
    wide = long.assign(label=long["department"] + " (" + long["kind"] + ")").pivot_table(
        index="name", columns="label", values="entities", aggfunc="sum", fill_value=0,
        sort=False)
    return stacked_png(wide, "department coverage", "entities with a record there")


def established_png(years: pd.DataFrame) -> bytes:
    """Companies established per year: one line per prefecture."""
    def draw(ax: Axes) -> None:
        if years.empty:
            return _no_data(ax)
        import matplotlib

        colours = matplotlib.colormaps["tab20"].colors
        marker = "o" if len(years) <= 15 else None
        for number, name in enumerate(years.columns[1:]):
            ax.plot(years["year"], years[name], marker=marker, label=name, linewidth=1.4,
                    color=colours[number % len(colours)])
        ax.set_xlabel("year established")
        ax.set_ylabel("companies")
        ax.xaxis.set_major_locator(_whole_numbers())
        ax.yaxis.set_major_locator(_whole_numbers())
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)

    return _png(draw, (10, 4.5))


def flows_png(matrix: pd.DataFrame) -> bytes:
    """The cross-prefecture link matrix as a heatmap with its counts written in."""
    def draw(ax: Axes) -> None:
        if matrix.empty:
            return _no_data(ax)
        values = matrix.iloc[:, 1:].to_numpy(dtype=float)
        image = ax.imshow(values, cmap="Blues", vmin=0)
        names = list(matrix.columns[1:])
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), list(matrix.iloc[:, 0]))
        ax.set_xlabel("to")
        ax.set_ylabel("from")
        top = values.max() if values.size else 0
        for (i, j), value in pd.DataFrame(values).stack().items():
            ax.text(j, i, f"{value:g}", ha="center", va="center",
                    color="white" if value > top / 2 else "#222")
        ax.figure.colorbar(image, ax=ax, label="links", ticks=_whole_numbers())

    side = 3 + 0.5 * max(0, matrix.shape[0])
    return _png(draw, (side + 1.5, side))
