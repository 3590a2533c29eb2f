"""KaTeX, run in-process, turns TeX into MathML: the math engine behind :mod:`chalk.markdown.math`.

KaTeX's own code (``vendor/katex/katex.min.js``, the npm package's ``dist`` file, MIT)
runs in QuickJS (the ``quickjs-ng`` wheel, no Node.js) with ``output: "mathml"``, so
every command and environment KaTeX documents works, and pages need no JavaScript and
no web font. The ``<math>`` element is all that is kept (KaTeX's wrapper span and its
TeX annotation are dropped), with ``\\mathbf``/``\\mathbb``/``\\mathcal``… letters as the
Unicode letters every browser draws (see :mod:`.mathcore`).

A :class:`KatexEngine` loads KaTeX on first use (about 50 ms), renders one formula in
well under a millisecond to a few milliseconds, and remembers what it rendered
(an LRU keyed by the TeX, display mode, the macros defined so far in the document and
:data:`KATEX_VERSION`). Macros defined with ``\\newcommand``, ``\\def``... in one formula
are known in the later formulas of the same document, as with MathJax; call
:meth:`KatexEngine.begin_document` before each document.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .mathcore import aligned_cells, unicode_variants

KATEX_VERSION = "0.19.1"
KATEX_JS = Path(__file__).resolve().parent.parent / "vendor" / "katex" / "katex.min.js"
CACHE_SIZE = 50_000  # formulas kept per engine (a few MB of MathML at most)

_DEFINES = re.compile(r"\\(?:newcommand|renewcommand|providecommand|def|gdef|edef|xdef|let|futurelet|"
                      r"DeclareMathOperator|global)(?![A-Za-z])")
_MATH = re.compile(r"<math\b[^>]*>.*</math>", re.S)
_SEMANTICS = re.compile(r"^(<math\b[^>]*>)<semantics>(.*)<annotation encoding=\"application/x-tex\">.*?"
                        r"</annotation></semantics></math>$", re.S)
_REFUSED = re.compile(r'<merror\b|mathcolor="#c0ffe1"><mtext>(\\[A-Za-z]+)?')
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'

# One function per document: ``macros`` persists \newcommand & co. across its formulas.
_GLUE = """
var chalkBase = {};  // site.yaml's math_macros
var chalkMacros = {};
// Writers are trusted as with raw HTML, but no javascript: (or other scheme) link gets through.
function chalkTrust(context) { return !context.protocol || ["http", "https", "mailto", "_relative"].indexOf(context.protocol) >= 0; }
function chalkBegin() { chalkMacros = Object.assign({}, chalkBase); return ""; }
function chalkRender(tex, display) {
  try {
    return JSON.stringify({html: katex.renderToString(tex, {
      output: "mathml", displayMode: display, throwOnError: true, strict: "ignore", trust: chalkTrust, errorColor: "#c0ffe1",
      globalGroup: true, macros: chalkMacros, maxExpand: 2000})});
  } catch (e) {
    return JSON.stringify({error: String(e.rawMessage || e.message || e), position: e.position === undefined ? null : e.position});
  }
}
"""


def katex_macros(found: dict[str, object]) -> dict[str, str]:
    """site.yaml's ``math_macros`` (MathJax's ``TeX.Macros`` form too) as KaTeX's ``macros``:
    ``{R: "\\mathbb{R}", mat: ["\\mathbb{#1}", 1]}`` -> ``{"\\R": "\\mathbb{R}", "\\mat": "\\mathbb{#1}"}``."""
    macros = {}
    for name, definition in found.items():
        text = definition[0] if isinstance(definition, list) else definition
        macros["\\" + str(name).lstrip("\\")] = str(text)
    return macros


class MathError(ValueError):
    """KaTeX could not convert a formula: ``reason`` is its message, ``position`` where in the TeX (0-based)."""

    def __init__(self, reason: str, position: int | None = None):
        super().__init__(reason)
        self.reason, self.position = reason, position


class EngineUnavailable(MathError):
    """QuickJS or the vendored KaTeX could not be loaded (a broken install)."""


@dataclass
class KatexEngine:
    """One KaTeX instance; not shared between threads (each renderer owns one)."""

    macros: dict[str, str] = field(default_factory=dict)  # \\name -> TeX, known in every document
    cache_size: int = CACHE_SIZE
    hits: int = 0
    misses: int = 0
    _contexts: dict[int, Any] = field(default_factory=dict)  # thread id -> QuickJS context (QuickJS is per thread)
    _cache: OrderedDict[tuple[str, bool, tuple[str, ...]], str | MathError] = field(default_factory=OrderedDict)
    _definitions: list[str] = field(default_factory=list)  # formulas of this document that define macros

    def begin_document(self) -> None:
        """Forget the macros the previous document defined."""
        if self._definitions:
            for context in self._contexts.values():
                context.eval("chalkBegin()")
        self._definitions = []

    def render(self, tex: str, display: bool) -> str:
        """The ``<math>`` element for ``tex``; raises :class:`MathError` with KaTeX's message."""
        defines = bool(_DEFINES.search(tex))
        key = (tex, display, tuple(self._definitions))
        if defines:
            self._definitions.append(tex)
        found = self._cache.get(key)
        if found is not None and not defines:  # a defining formula must run to define its macros
            self.hits += 1
            self._cache.move_to_end(key)
            if isinstance(found, MathError):
                raise found
            return found
        self.misses += 1
        try:
            result: str | MathError = self._convert(tex, display)
        except MathError as exc:
            result = exc
        self._remember(key, result)
        if isinstance(result, MathError):
            raise result
        return result

    def _remember(self, key: tuple[str, bool, tuple[str, ...]], value: str | MathError) -> None:
        self._cache[key] = value
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _convert(self, tex: str, display: bool) -> str:
        reply = json.loads(self._js().eval(f"chalkRender({json.dumps(tex)}, {'true' if display else 'false'})"))
        if "error" in reply:
            raise MathError(_plain_reason(reply["error"]), reply.get("position"))
        html = reply["html"]
        refused = _REFUSED.search(html)
        if refused:  # KaTeX shows what it will not render (a javascript: link...) in errorColor instead of failing
            raise MathError(f"{refused.group(1) or 'part of this formula'} is refused here (only http, https, "
                            "mailto and relative links are allowed)")
        return clean_mathml(html)

    def _js(self) -> Any:
        """This thread's QuickJS context with KaTeX loaded (a context must stay on its thread)."""
        context = self._contexts.get(threading.get_ident())
        if context is None:
            try:
                import quickjs  # the quickjs-ng wheel
                context = quickjs.Context()
                context.eval(KATEX_JS.read_text(encoding="utf-8"))
                context.eval(_GLUE)
                context.eval(f"chalkBase = {json.dumps(self.macros)}; chalkBegin();")
            except (ImportError, OSError) as exc:
                raise EngineUnavailable(f"the math engine cannot start ({exc})") from None
            self._contexts[threading.get_ident()] = context
        return context


def clean_mathml(html: str) -> str:
    """KaTeX's ``<span class="katex"><math xmlns…><semantics>…<annotation>`` -> a plain ``<math>``."""
    found = _MATH.search(html)
    mathml = found.group(0) if found else html
    mathml = mathml.replace(_XMLNS, "", 1)
    stripped = _SEMANTICS.match(mathml)
    if stripped:
        body = stripped.group(2)
        mathml = f"{stripped.group(1)}{body}</math>"
    return aligned_cells(unicode_variants(mathml.replace('class ="', 'class="')))


def _plain_reason(message: str) -> str:
    """KaTeX's raw message without the 'KaTeX parse error:' prefix and the underlined excerpt."""
    message = message.removeprefix("KaTeX parse error: ").strip()
    return re.sub(r" at position \d+: .*$", "", message, flags=re.S)
