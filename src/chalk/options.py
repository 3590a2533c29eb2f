"""What a command asks of the pipeline (a light module: the CLI reads it before anything heavy loads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of the pipeline."""

    drafts: bool = False
    strict: bool = False
    output: Path | None = None  # set only when the writer named it with --output
    base_url: str | None = None
    check: bool = True  # run the internal link/alt/heading checks (as warnings) after rendering
    cache: bool = True  # use the persistent render cache in .chalk-cache/
    jobs: int | None = None  # worker processes for Markdown; None = one per CPU core, 1 = in-process
    search: bool = True  # build the Pagefind index when site.yaml asks for search (chalk check does not)
    keep_going: bool = False  # chalk check: after content errors, go on with everything that loaded
    execute: bool = True  # run stale {python} cells; False (--no-execute): publish from _freeze/ only
    preview: bool = False  # chalk serve: recoverable errors (a formula in an error box, a failing cell) still render

    @property
    def key(self) -> str:
        """Everything in these options that changes what a build writes or reports (not jobs, not cache)."""
        output = self.output.resolve() if self.output is not None else None
        return repr((self.drafts, self.strict, output, self.base_url, self.check, self.search, self.execute))
