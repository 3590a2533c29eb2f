"""Diagram engines for tests: one small source per engine (and a broken one), a slot, require_engine."""

from __future__ import annotations

import importlib.util

from chalk.drawing.engines import _binary
from support.tools import require_tool



SOURCES = {  # one small diagram per engine, and one with a syntax error on its third line
    "mermaid": ("flowchart LR\n  z[Noise z] --> G[Generator]\n  G --> D{Discriminator}\n",
                "flowchart LR\n  A --> B\n  B -->> [C\n"),
    "d2": ("noise -> generator: samples\ngenerator -> discriminator\n",
           "a -> b\nb -> c\nc -> {\n"),
    "dot": ("digraph { rankdir=LR; noise -> generator -> discriminator }\n",
            "digraph {\n  a -> b\n  b -> -> c\n}\n"),
}


def require_engine(engine: str) -> None:
    """Skip unless the engine is installed; CHALK_REQUIRE_DIAGRAMS=1 makes a missing one fail."""
    found = {"mermaid": lambda: importlib.util.find_spec("mermaidx") and "mermaidx",
             "d2": lambda: _binary("d2") and "d2",
             "dot": lambda: _binary("dot", "graphviz-pure") and "dot"}[engine]()
    install = f"pip install 'chalk-ssg[{engine}]'"
    require_tool(f"the {engine} diagram engine", found or None, "CHALK_REQUIRE_DIAGRAMS", install)


def slot(engine: str, code: str, id: str = "flow", extra: str = "") -> str:
    body = "".join(f"    {line}\n" for line in code.rstrip("\n").split("\n"))
    return (f"```diagram\nid: {id}\ncaption: How it flows\nalt: Noise goes into the generator.\n{extra}"
            f"{engine}: |\n{body}```\n")
