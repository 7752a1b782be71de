"""Charts drawn on the server as SVG with matplotlib: the same markup goes into web pages and PDFs.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and described by a ``<desc>``; pages
put a data table beside it, so screen-reader users get the figures themselves.

matplotlib writes colours and fonts as inline ``style`` attributes and a ``<style>`` element, which
the site's Content-Security-Policy (``style-src 'self'``) would block. They are rewritten here as SVG
presentation attributes (``fill="#1d70b8"``), which the policy allows and every renderer, WeasyPrint
included, understands.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

# GOV.UK Design System colours: blue for the series, black for text, mid grey for the grid.
BLUE, ORANGE, BLACK, GREY = "#1d70b8", "#f47738", "#0b0c0c", "#b1b4b6"
FONT = "Noto Sans, Arial, sans-serif"

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: selectable, searchable, sized by the page's font
        "svg.hashsalt": "csp-portal",  # stable ids, so the same figures draw the same markup
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.edgecolor": BLACK,
        "axes.labelcolor": BLACK,
        "xtick.color": BLACK,
        "ytick.color": BLACK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "clip-path",
}


def _attributes(match: re.Match) -> str:
    """One ``style="a: b; c: d"`` as presentation attributes."""
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":  # e.g. "font: 11px 'Noto Sans'" -> size and family
            size, _, family = value.partition(" ")
            attributes += [("font-size", size), ("font-family", FONT)]
        elif name in _PRESENTATION and value:
            attributes.append((name, FONT if name == "font-family" else value))
    return "".join(f' {name}="{escape(value, quote=True)}"' for name, value in attributes)


def _svg_markup(figure, title: str, description: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_attributes, svg)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.DOTALL)  # matplotlib's own, e.g. 'axes_1'
    key = zlib.crc32(f"{title}\n{description}".encode())
    opening = svg[: svg.index(">") + 1]
    attributes = (
        f' role="img" aria-labelledby="chart-title-{key}" aria-describedby="chart-desc-{key}"'
        ' class="app-chart" stroke-linejoin="round" stroke-linecap="butt"'
    )
    opening_new = re.sub(r'\swidth="[^"]*"\s+height="[^"]*"', "", opening).replace("<svg", "<svg" + attributes, 1)
    heading = (
        f'<title id="chart-title-{key}">{escape(title)}</title><desc id="chart-desc-{key}">{escape(description)}</desc>'
    )
    return opening_new + heading + svg[len(opening) :]


def _plain(text: str) -> str:
    """Text shown as typed: a pair of dollar signs would otherwise start matplotlib's maths notation,
    which garbles '$5 and $10' and raises ValueError on anything it cannot parse ('$x^{$')."""
    return str(text).replace("$", r"\$")


def _number(value: float, _position=None) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:,.1f}"


def line_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    description: str = "",
) -> str:
    """A line of figures over time, with the target as a dashed line."""
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    positions = range(len(values))
    axes.plot(positions, values, color=BLUE, linewidth=2.5, marker="o", markersize=4, label=_plain(unit.capitalize()))
    if target is not None:
        axes.axhline(target, color=ORANGE, linewidth=2, linestyle=(0, (6, 3)), label=f"Target: {_number(target)}")
        axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)
    step = max(1, len(labels) // 8)
    axes.set_xticks(list(positions)[::step], [_plain(label) for label in labels][::step])
    axes.set_ylabel(_plain(unit))
    axes.yaxis.set_major_formatter(FuncFormatter(_number))
    axes.yaxis.set_major_locator(MaxNLocator(5))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color=GREY, linewidth=0.8)
    axes.set_axisbelow(True)
    summary = description or f"{title}: {len(values)} figures, from {_number(values[0])} in {labels[0]} to "
    if not description and values:
        summary += f"{_number(values[-1])} in {labels[-1]}."
    return _svg_markup(figure, title, summary)


def share_chart(categories: Sequence[str], volume: Sequence[float], harm: Sequence[float], *, title: str) -> str:
    """Share of crime against share of harm per crime type, as paired horizontal bars (percentages)."""
    height = max(2.5, 0.42 * len(categories) + 1)
    figure, axes = plt.subplots(figsize=(7.5, height))
    rows = range(len(categories))
    axes.barh([r + 0.2 for r in rows], volume, height=0.4, color=BLUE, label="Share of crimes (%)")
    axes.barh([r - 0.2 for r in rows], harm, height=0.4, color=ORANGE, label="Share of harm (%)")
    axes.set_yticks(list(rows), [_plain(category) for category in categories])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    axes.grid(axis="x", color=GREY, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncols=2)
    largest = max(range(len(categories)), key=lambda i: volume[i], default=None)
    description = (
        f"{len(categories)} crime types. The largest by volume is {categories[largest]}: "
        f"{volume[largest]:.1f}% of crimes and {harm[largest]:.1f}% of harm."
        if largest is not None
        else "No crime recorded."
    )
    return _svg_markup(figure, title, description)
