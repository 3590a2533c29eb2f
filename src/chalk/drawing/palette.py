"""The diagram palette: engines draw with placeholder colours, which become the theme's CSS variables.

Each engine is asked to draw with a few unlikely colours (one per role: ink, line, node, ...).
:func:`retheme` then turns each of them into ``var(--diagram-<role>, <light colour>)``, so
the inline SVG takes its colours from the page's stylesheet (``static/css/figures.css`` maps
the roles onto the theme's variables, light, dark and print), and a copy outside the page (a
feed reader, the standalone file) still has the light colours. Presentation attributes cannot
hold ``var()``: those become ``style`` declarations, with the light colour kept in the attribute.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    name: str
    placeholder: str  # the colour the engine is asked to draw with
    light: str  # the colour used where the page's variables do not reach (feeds, standalone files)

    @property
    def css(self) -> str:
        return f"var(--diagram-{self.name}, {self.light})"


ROLES = (
    Role("ink", "#010203", "#1e2125"),  # text
    Role("line", "#203040", "#595f66"),  # edges, borders, arrowheads
    Role("node", "#f0f1f2", "#f3f1ec"),  # node fill
    Role("soft", "#e0e1e2", "#edf3fa"),  # clusters, notes, secondary fills
    Role("paper", "#fdfcfb", "#fbfaf7"),  # background behind labels
    Role("accent", "#2a1a9a", "#2f6fb5"),  # highlights
)
P = {role.name: role.placeholder for role in ROLES}
FONT = "var(--font-ui, system-ui, sans-serif)"

MERMAID_THEME = {
    "fontFamily": "inherit", "background": P["paper"],
    "primaryColor": P["node"], "primaryTextColor": P["ink"], "primaryBorderColor": P["line"],
    "secondaryColor": P["soft"], "secondaryTextColor": P["ink"], "secondaryBorderColor": P["line"],
    "tertiaryColor": P["soft"], "tertiaryTextColor": P["ink"], "tertiaryBorderColor": P["line"],
    "lineColor": P["line"], "textColor": P["ink"], "mainBkg": P["node"], "nodeBorder": P["line"],
    "clusterBkg": P["soft"], "clusterBorder": P["line"], "titleColor": P["ink"], "edgeLabelBackground": P["paper"],
    "noteBkgColor": P["soft"], "noteTextColor": P["ink"], "noteBorderColor": P["line"],
    "actorBkg": P["node"], "actorBorder": P["line"], "actorTextColor": P["ink"], "actorLineColor": P["line"],
    "signalColor": P["ink"], "signalTextColor": P["ink"], "labelBoxBkgColor": P["node"],
    "labelBoxBorderColor": P["line"], "labelTextColor": P["ink"], "loopTextColor": P["ink"],
    "sequenceNumberColor": P["paper"], "activationBkgColor": P["soft"], "activationBorderColor": P["line"],
    "classText": P["ink"], "labelColor": P["ink"], "altBackground": P["soft"],
    "pie1": P["node"], "pie2": P["soft"], "pie3": P["accent"], "pieStrokeColor": P["line"],
    "pieOuterStrokeColor": P["line"], "pieTitleTextColor": P["ink"], "pieSectionTextColor": P["ink"],
    "pieLegendTextColor": P["ink"],
    "taskBkgColor": P["node"], "taskBorderColor": P["line"], "taskTextColor": P["ink"],
    "taskTextDarkColor": P["ink"], "taskTextOutsideColor": P["ink"], "sectionBkgColor": P["soft"],
    "sectionBkgColor2": P["paper"], "altSectionBkgColor": P["paper"], "gridColor": P["line"],
    "doneTaskBkgColor": P["soft"], "doneTaskBorderColor": P["line"], "activeTaskBkgColor": P["soft"],
    "activeTaskBorderColor": P["accent"], "critBkgColor": P["soft"], "critBorderColor": P["accent"],
    "todayLineColor": P["accent"],
}
for _i in range(12):  # mindmap, timeline, journey and git colour scales
    MERMAID_THEME[f"cScale{_i}"] = P["node"] if _i % 2 == 0 else P["soft"]
    MERMAID_THEME[f"cScaleLabel{_i}"] = P["ink"]
    MERMAID_THEME[f"cScalePeer{_i}"] = P["line"]
    MERMAID_THEME[f"git{_i}"] = P["node"] if _i % 2 == 0 else P["soft"]
    MERMAID_THEME[f"gitBranchLabel{_i}"] = P["ink"]
MERMAID_CONFIG = {"themeVariables": MERMAID_THEME, "htmlLabels": False, "flowchart": {"htmlLabels": False},
                  "deterministicIds": True, "handDrawnSeed": 1}  # rough.js outlines: a fixed seed, the same bytes

#: D2's theme colours (neutrals N1-N7, bases B1-B6, alternatives), set on the diagram's first line.
D2_OVERRIDES = {"N1": "ink", "N2": "ink", "N3": "line", "N4": "line", "N5": "soft", "N6": "node", "N7": "paper",
                "B1": "line", "B2": "line", "B3": "soft", "B4": "node", "B5": "node", "B6": "paper",
                "AA2": "accent", "AA4": "soft", "AA5": "node", "AB4": "soft", "AB5": "node"}
D2_PREAMBLE = ("vars: {d2-config: {theme-overrides: {"
               + "; ".join(f'{key}: "{P[role]}"' for key, role in D2_OVERRIDES.items()) + "}}}\n")

#: Graphviz defaults, inserted after the graph's opening brace (the source's own attributes win).
DOT_DEFAULTS = (f'graph [bgcolor="transparent" fontcolor="{P["ink"]}" color="{P["line"]}" fontname="Helvetica"]; '
                f'node [color="{P["line"]}" fontcolor="{P["ink"]}" fillcolor="{P["node"]}" style="filled" '
                f'fontname="Helvetica"]; edge [color="{P["line"]}" fontcolor="{P["ink"]}" fontname="Helvetica"]; ')

#: Everything above in one string: part of every drawing's cache key.
THEME_KEY = json.dumps([[r.name, r.placeholder, r.light] for r in ROLES] + [MERMAID_CONFIG, D2_PREAMBLE,
                                                                              DOT_DEFAULTS, FONT, 2])

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_RGB = re.compile(r"rgb\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)")
_NEAR = 6  # engines derive shades (a darker arrowhead); a colour this close to a placeholder is that role
_PAINT_ATTR = re.compile(r'\s(fill|stroke|stop-color|flood-color|color)="([^"]*)"')
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')


def _role_of(colour: str) -> Role | None:
    value = colour.lower()
    rgb = tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))
    for role in ROLES:
        ref = tuple(int(role.placeholder[i:i + 2], 16) for i in (1, 3, 5))
        if all(abs(a - b) <= _NEAR for a, b in zip(rgb, ref)):
            return role
    return None


def _in_css(text: str) -> str:
    """Placeholders in CSS text (a <style> element, a style attribute) -> var() with a fallback."""
    def replace(match: re.Match[str]) -> str:
        role = _role_of(match.group(0))
        return role.css if role else match.group(0)

    def replace_rgb(match: re.Match[str]) -> str:
        channels = [max(0, min(255, round(float(v)))) for v in match.groups()]
        role = _role_of("#" + "".join(f"{c:02x}" for c in channels))
        return role.css if role else match.group(0)
    return _RGB.sub(replace_rgb, _HEX.sub(replace, text))


def _in_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    declarations = []

    def attribute(found: re.Match[str]) -> str:
        name, value = found.group(1), found.group(2)
        role = _role_of(value) if _HEX.fullmatch(value.strip()) else None
        if role is None:
            return found.group(0)
        declarations.append(f"{name}:{role.css}")
        return f' {name}="{role.light}"'

    tag = _PAINT_ATTR.sub(attribute, tag)
    style = _STYLE_ATTR.search(tag)
    if style is not None:
        merged = ";".join([*declarations, _in_css(style.group(1))]) if declarations else _in_css(style.group(1))
        return tag[:style.start()] + f' style="{merged}"' + tag[style.end():]
    if declarations:
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return tag[:end] + f' style="{";".join(declarations)}"' + tag[end:]
    return tag


_STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S)


def retheme(svg: str) -> str:
    """Every placeholder colour in ``svg`` -> the theme's variable for its role."""
    svg = _STYLE_ELEMENT.sub(lambda m: m.group(1) + _in_css(m.group(2)) + m.group(3), svg)
    return _TAG.sub(_in_tag, svg)
