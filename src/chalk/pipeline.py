"""The build pipeline's entry points: what each command runs.

    load(root)             stages 1-5 of a clean build, writes nothing           (chalk check)
    build(root)            load, make every file in memory, then write; with the cache, start from
                           .chalk-cache/ and update it                            (tests, bench)
    build_or_replay(root)  build(), unless no input and no output file changed since the last
                           build: then that build's report, and nothing to do     (chalk build, deploy)

The stages themselves are :class:`chalk.builder.Builder`'s, each one timed. This module stays
light on purpose: answering "nothing changed" must not pay for importing Markdown, Pygments
and Jinja, so the builder is imported only once there is work to do.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import CACHE_DIR, Store, record_up_to_date, salt, up_to_date
from .errors import BuildError
from .options import BuildOptions
from .report import BuildSummary

if TYPE_CHECKING:  # chalk.builder is imported at run time only when there is work (see above)
    from .builder import BuildResult, Loaded


@dataclass(frozen=True)
class Outcome:
    """What a command reports: where the site is, and what the build (or the replayed one) found."""

    output: Path
    summary: BuildSummary


def load(root: Path, options: BuildOptions = BuildOptions()) -> "Loaded":
    """Stages 1-5 of a clean build; writes nothing."""
    from .builder import Builder

    return Builder(root, options).load()


def build(root: Path, options: BuildOptions = BuildOptions()) -> "BuildResult":
    """Load, render, and only then write; with ``options.cache``, start from and update .chalk-cache/."""
    from .builder import Builder
    from .incremental import persist, restore
    from .markdown import SETTINGS

    if not options.cache:
        return Builder(root, options).build()
    store = Store(root / CACHE_DIR, salt(SETTINGS))
    try:
        builder = Builder(root, options, incremental=True, state=restore(store))
        result = builder.build()
        persist(store, builder.state)
        record_up_to_date(store, root, result.output, options.key, result.summary)
    finally:
        store.close()
    return result


def build_or_replay(root: Path, options: BuildOptions = BuildOptions()) -> Outcome:
    """:func:`build`, or, with the cache, the last build's report if nothing it read or wrote changed."""
    if options.cache:
        replay = up_to_date(root / CACHE_DIR, root, options.key)
        if replay is not None and not _recovered(replay[0]):
            output, summary = replay
            return Outcome(output, dataclasses.replace(summary, written=0, removed=0, up_to_date=True))
    result = build(root, options)
    return Outcome(result.output, result.summary)


def _recovered(output: Path) -> bool:
    """Complete a write a killed build left half done (see chalk.journal); True if there was one
    (then build properly: the replayed report would describe the build that was interrupted)."""
    from .output import recover

    return recover(output)


def __getattr__(name: str) -> Any:
    """``from chalk.pipeline import Builder`` (and BuildResult, Loaded) still works, loading the builder then."""
    if name in ("Builder", "BuildResult", "Loaded", "Timings", "output_dir", "strict", "asset_hashes"):
        from . import builder

        return getattr(builder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BuildError", "BuildOptions", "Outcome", "build", "build_or_replay", "load"]
