"""What a build reports, and the object that prints it: every line of build, check, deploy, serve,
new and init goes through :class:`Reporter` (so no stage ever prints)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TextIO

from .errors import BuildError, Diagnostic


@dataclass(frozen=True)
class SlotNote:
    """A diagram slot still awaiting its drawing, as the build report lists it."""

    path: str
    line: int
    id: str
    caption: str


SLOTS_LISTED = 10  # a build's report lists this many slots awaiting a drawing, and counts the rest


@dataclass(frozen=True)
class BuildSummary:
    """Everything ``chalk build`` prints; kept in the cache to replay when nothing changed (so it
    holds only what is printed: a site with thousands of slots awaiting drawings replays fast)."""

    pages: int
    written: int
    removed: int
    warnings: tuple[Diagnostic, ...]
    pending_slots: tuple[SlotNote, ...]  # the first SLOTS_LISTED slots awaiting a drawing
    pending_count: int  # how many slots await a drawing in all
    up_to_date: bool = False


class Reporter:
    """Prints diagnostics, slot reports and the one summary line of each command."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out, self.err = out or sys.stdout, err or sys.stderr

    def say(self, line: str) -> None:
        """One line of news (the preview server's log, "Created ...", a deploy's summary)."""
        print(line, file=self.out, flush=True)

    def problem(self, line: str) -> None:
        """One line that something went wrong (``chalk: ...``, "Stopped.")."""
        print(line, file=self.err, flush=True)

    def diagnostics(self, items: Sequence[Diagnostic]) -> None:
        for item in items:
            print(item.format(), file=self.err)

    def failed(self, exc: BuildError, what: str = "Build") -> None:
        self.diagnostics(exc.diagnostics)
        count = len(exc.errors)
        print(f"{what} failed: {count} error{'s' * (count != 1)}; nothing was written.", file=self.err)

    def slots(self, summary: BuildSummary) -> None:
        count = summary.pending_count
        if not count:
            return
        print(f"{count} diagram slot{'s' * (count != 1)} await{'s' * (count == 1)} a drawing:", file=self.out)
        for slot in summary.pending_slots:
            caption = f" — {slot.caption}" if slot.caption else ""
            print(f"  {slot.path}:{slot.line} {slot.id}{caption}", file=self.out)
        if count > len(summary.pending_slots):
            print(f"  … and {count - len(summary.pending_slots)} more (chalk check lists them all)", file=self.out)

    def built(self, output: Path, summary: BuildSummary, seconds: float) -> None:
        warnings = len(summary.warnings)
        try:
            where = output.relative_to(Path.cwd())
        except ValueError:
            where = output
        changes = ("nothing changed" if summary.up_to_date
                   else f"{summary.written} written, {summary.removed} removed")
        print(f"Built {summary.pages} pages in {seconds:.2f} s, {warnings} warning{'s' * (warnings != 1)}: "
              f"{changes} -> {where}/", file=self.out)

    def checked(self, found: Sequence[Diagnostic], pages: int) -> None:
        """``chalk check``: every finding numbered (errors to stderr), then the count."""
        for number, item in enumerate(found, start=1):
            print(f"{number}. {item.format()}", file=self.err if item.is_error else self.out)
        errors = sum(1 for d in found if d.is_error)
        warnings = len(found) - errors
        print(f"Checked {pages} pages: {errors} error{'s' * (errors != 1)}, "
              f"{warnings} warning{'s' * (warnings != 1)}.", file=self.out)

    def copied(self, target: Path, written: int, unchanged: int, removed: int) -> None:
        """``chalk deploy --to DIR``: what the copy did."""
        total = written + unchanged
        print(f"Deployed {total} file{'s' * (total != 1)} to {target}: {written} written, "
              f"{unchanged} unchanged, {removed} removed", file=self.out)
