"""What ``chalk import`` did: every item left for a human or dropped, and one summary line."""

from __future__ import annotations

from dataclasses import dataclass, field

LEFT = "left"  # kept in the text as an HTML comment, for a human to finish
DROPPED = "dropped"  # removed: chalk does it itself, or it has no meaning in chalk


@dataclass(frozen=True)
class Item:
    """One thing the importer could not carry over as it was: ``path:line: what — why``."""

    path: str  # in DEST, where a human will fix it
    line: int | None
    what: str
    why: str
    kind: str = LEFT

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.kind == LEFT else "dropped: "
        return f"{where}: {label}{self.what} ({self.why})"


@dataclass
class ImportReport:
    """Everything ``chalk import`` prints."""

    engine: str
    posts: int = 0
    pages: int = 0
    drafts: int = 0
    assets: int = 0
    redirects: int = 0
    items: list[Item] = field(default_factory=list)

    @property
    def left(self) -> list[Item]:
        return [item for item in self.items if item.kind == LEFT]

    def lines(self) -> list[str]:
        order = sorted(self.items, key=lambda i: (i.path, i.line or 0))
        return [item.format() for item in order] + [self.summary()]

    def summary(self) -> str:
        left, dropped = len(self.left), len(self.items) - len(self.left)
        drafts = f" ({self.drafts} drafts)" if self.drafts else ""
        return (f"Imported a {self.engine} site: {self.posts} posts{drafts}, {self.pages} pages, "
                f"{self.assets} assets, {self.redirects} redirects; {left} item{'s' * (left != 1)} left for a "
                f"human, {dropped} dropped.")
