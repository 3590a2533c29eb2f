"""Diagnostics: every problem chalk reports, with file, line and a hint.

A build collects diagnostics instead of stopping at the first one; the CLI and
the preview server format them with the same :func:`Diagnostic.format`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a diagnostic is: errors fail the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a file: ``path:line: message``."""

    message: str
    path: str = ""
    line: int | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR
    #: The page can still be shown with the problem marked (a formula in an error box):
    #: ``chalk build`` fails, ``chalk serve`` serves the page and lists the error.
    recoverable: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        if not self.path:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """The one-line form used in the terminal and the browser overlay."""
        prefix = f"{self.location}: " if self.location else ""
        label = "" if self.is_error else "warning: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{prefix}{label}{self.message}{hint}"


def error(message: str, path: str | Path = "", line: int | None = None, hint: str = "") -> Diagnostic:
    return Diagnostic(message, str(path), line, hint, Severity.ERROR)


def warning(message: str, path: str | Path = "", line: int | None = None, hint: str = "") -> Diagnostic:
    return Diagnostic(message, str(path), line, hint, Severity.WARNING)


@dataclass
class Diagnostics:
    """An ordered collection of diagnostics gathered during one stage."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: "Diagnostics | list[Diagnostic]") -> None:
        self.items.extend(diagnostics.items if isinstance(diagnostics, Diagnostics) else diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    def raise_if_errors(self, allow_recoverable: bool = False) -> None:
        """Raise :class:`BuildError` if there are errors (with ``allow_recoverable``: unrecoverable ones)."""
        if any(not (allow_recoverable and d.recoverable) for d in self.errors):
            raise BuildError(self.items)


class ChalkError(Exception):
    """Base class of the errors chalk reports to a writer (never a traceback)."""


class BuildError(ChalkError):
    """The build found errors; ``diagnostics`` holds all of them (and the warnings)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        super().__init__("\n".join(d.format() for d in errors))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


class UsageError(ChalkError):
    """A command was used wrongly (bad flag combination, unsafe output folder...)."""
