"""A static PNG picture of a subgraph for reports (matplotlib, no display needed)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from graph.export.styles import label_colours, main_label, node_caption, node_colour

if TYPE_CHECKING:
    import networkx as nx


@cache
def cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese names, if any."""
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK", "WenQuanYi", "Source Han Sans", "SimHei", "Droid Sans Fallback",
              "AR PL")
    def known() -> str | None:
        for font in font_manager.fontManager.ttflist:
            if any(w.lower() in font.name.lower() for w in wanted):
                return font.name
        return None

    if known() is None:  # installed after matplotlib cached its font list
        hints = ("wqy", "cjk", "droid", "uming", "ukai", "sourcehan", "simhei")
        for path in font_manager.findSystemFonts():
            if any(h in path.lower() for h in hints):
                font_manager.fontManager.addfont(path)
    return known()


def write_png(graph: nx.MultiDiGraph, path: Path, title: str, dpi: int = 150) -> list[Path]:
    """Draw nodes coloured by label with their names and relationship types; save as PNG."""
    import matplotlib
    import networkx as nx

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    font = cjk_font()
    size = max(6.0, min(24.0, 2.5 + graph.number_of_nodes() ** 0.5 * 1.6))
    fig, ax = plt.subplots(figsize=(size, size * 0.75))
    try:
        if font:
            plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        simple = nx.Graph(graph.to_undirected())
        pos = nx.spring_layout(simple, seed=7, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5)
        nodes = list(graph.nodes)
        nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#8a8a9a", arrows=True,
                               arrowsize=10, width=0.9, node_size=320)
        nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_size=320,
                               node_color=[node_colour(graph.nodes[n].get("labels"))
                                           for n in nodes], edgecolors="white")
        if graph.number_of_nodes() <= 300:
            nx.draw_networkx_labels(graph, pos, ax=ax, font_size=7,
                                    labels={n: node_caption(n, graph.nodes[n]) for n in nodes},
                                    font_family="sans-serif")
        if graph.number_of_edges() <= 200:
            edge_labels = {(u, v): a.get("type", "") for u, v, a in graph.edges(data=True)}
            nx.draw_networkx_edge_labels(graph.to_directed(), pos, edge_labels=edge_labels,
                                         ax=ax, font_size=5, font_color="#555")
        used = {main_label(graph.nodes[n].get("labels")) for n in nodes}
        handles = [Line2D([], [], marker="o", linestyle="", color=c, label=lb)
                   for lb, c in label_colours().items() if lb in used]
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False)
        ax.set_title(f"{title} ({graph.number_of_nodes()} nodes, "
                     f"{graph.number_of_edges()} relationships)", fontsize=9)
        ax.set_axis_off()
        fig.tight_layout()
        import warnings

        with warnings.catch_warnings():  # without a CJK font, names draw as boxes
            warnings.filterwarnings("ignore", "Glyph .* missing", UserWarning)
            fig.savefig(path, dpi=dpi, format="png")
    finally:
        plt.close(fig)
    return [path]
