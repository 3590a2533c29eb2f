"""What a page's render reads, so a rebuild can tell whether the page would come out the same.

Jinja compiles every ``a.b`` and ``a[b]`` to ``environment.getattr``/``getitem`` and every
extends/include/import to ``get_template``; :class:`TrackingEnvironment` records them, as
(model object key, attribute) facts with a fingerprint of the value seen, and template names.
:func:`unchanged` then answers, for a :class:`~chalk.incremental.PageRecord` of an earlier
build, whether every fact and template it read is still the same.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from ..incremental import Fact, PageRecord, Reads
from ..model import Listing, Page, Paginator, Series, Site, Tag, Year, text_digest
from .context import SiteContext

Digests = dict[int, tuple[Any, bytes]]  # id(value) -> (value, fingerprint): see fact_fingerprint


def object_key(obj: Any) -> str | None:
    """A name for a model object that stays the same across builds."""
    if isinstance(obj, Page):
        return "page:" + obj.source
    if isinstance(obj, Listing):
        return "listing:" + obj.output
    if isinstance(obj, Tag):
        return "tag:" + obj.slug
    if isinstance(obj, Year):
        return f"year:{obj.year}"
    if isinstance(obj, SiteContext):
        return "site"
    if isinstance(obj, Paginator):
        return f"paginator:{obj.number}"
    if isinstance(obj, Series):
        return "series:" + obj.slug
    return None


def comparable(value: Any) -> Any:
    """A value that can be compared with ``==`` across builds: model objects become their keys."""
    if isinstance(value, jinja2.Undefined):
        return ("undefined",)
    key = object_key(value)
    if key is not None:
        return ("ref", key)
    if isinstance(value, (list, tuple)):
        return tuple(comparable(item) for item in value)
    return value


def fingerprint(value: Any) -> bytes:
    """A digest of what a template saw, stable across processes (Python's own hash() is not)."""
    if isinstance(value, str):  # the common case, and the large one (page.content): no repr()
        return text_digest(value)
    data = repr(comparable(value)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


_IMMUTABLE = (str, tuple, int, float, date, frozenset)


def fact_fingerprint(obj: Any, attribute: str, value: Any, known: Digests | None = None) -> bytes:
    """fingerprint(value), known in advance for a page's content (the biggest value by far), and
    remembered in ``known`` by identity for immutable values: unchanged sources hand the same
    title, date and toc objects to every rebuild."""
    if attribute == "content" and isinstance(obj, Page) and obj.content_digest:
        return obj.content_digest
    if known is None or not isinstance(value, _IMMUTABLE):
        return fingerprint(value)
    hit = known.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    digest = fingerprint(value)
    known[id(value)] = (value, digest)  # the reference keeps the id from being reused
    return digest


class TrackingEnvironment(jinja2.Environment):
    """A Jinja environment that records, while ``reads`` is set, which model attributes and
    templates a render reads."""

    reads: Reads | None = None
    digests: Digests | None = None  # see fact_fingerprint

    def getattr(self, obj: Any, attribute: str) -> Any:
        value = super().getattr(obj, attribute)
        self._record(obj, attribute, value)
        return value

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if isinstance(argument, str):
            self._record(obj, argument, value)
        return value

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:
        if self.reads is not None and isinstance(name, str):
            self.reads.templates.add(name)
        return super().get_template(name, parent, globals)

    def _record(self, obj: Any, attribute: str, value: Any) -> None:
        if self.reads is not None:
            key = object_key(obj)
            if key is not None:
                self.reads.facts[(key, attribute)] = fact_fingerprint(obj, attribute, value, self.digests)


_PLAIN_ENV = jinja2.Environment()


class Comparison:
    """Today's model, to compare earlier page records against; current fingerprints are worked
    out once per build, as many pages read the same facts."""

    def __init__(self, site: Site, context: SiteContext, templates: dict[str, str], globals_key: str,
                 digests: Digests):
        self.objects = model_objects(site, context)
        self.templates, self.globals_key, self.digests = templates, globals_key, digests
        self.seen: dict[Fact, bytes | None] = {}

    def unchanged(self, record: PageRecord) -> bool:
        """Whether everything the record's render read is the same now."""
        if record.globals_key != self.globals_key:
            return False
        if any(self.templates.get(name) != digest for name, digest in record.templates.items()):
            return False
        facts = record.reads.facts
        for fact in set(facts).difference(self.seen):  # facts no page before this one read (C loop over facts)
            self._now(fact)
        return facts.items() <= self.seen.items()  # every fact as it was: compared in one C loop

    def _now(self, fact: Fact) -> bytes | None:
        if fact not in self.seen:
            obj = self.objects.get(fact[0])
            self.seen[fact] = None if obj is None else fact_fingerprint(
                obj, fact[1], jinja2.Environment.getattr(_PLAIN_ENV, obj, fact[1]), self.digests)
        return self.seen[fact]


def template_hashes(env: jinja2.Environment) -> dict[str, str]:
    """Source hash of every template the environment can load (site templates shadow built-in ones)."""
    hashes: dict[str, str] = {}
    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in reversed(loader.searchpath):
        for path in Path(folder).rglob("*"):
            if path.is_file():
                try:
                    digest = hashlib.sha1(path.read_bytes()).hexdigest()
                except OSError:  # rendering with it reports the file
                    digest = ""
                hashes[path.relative_to(folder).as_posix()] = digest
    return hashes


def model_objects(site: Site, context: SiteContext) -> dict[str, Any]:
    """Every model object a template can reach, by its :func:`object_key`."""
    objects: dict[str, Any] = {"site": context}
    for obj in [*site.renderables, *site.tags, *site.years, *site.series]:
        objects[object_key(obj) or ""] = obj
    for listing in site.listings:
        if listing.paginator is not None:
            objects[object_key(listing.paginator) or ""] = listing.paginator
    return objects
