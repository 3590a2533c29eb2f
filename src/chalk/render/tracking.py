"""What a page's render reads, so a rebuild can tell whether the page would come out the same.

Jinja compiles every ``a.b`` and ``a[b]`` to ``environment.getattr``/``getitem`` and every
extends/include/import to ``get_template``; :class:`TrackingEnvironment` records them, as
(model object key, attribute) facts with a fingerprint of the value seen, and template names.
:func:`unchanged` then answers, for a :class:`~chalk.incremental.PageRecord` of an earlier
build, whether every fact and template it read is still the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from itertools import compress
from operator import attrgetter, is_not
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import jinja2

from ..digest import text_digest
from ..incremental import Fact, PageRecord, Reads
from ..model import Listing, Page, Paginator, Series, Site, Tag, Year
from .context import SiteContext

# fingerprints remembered across builds (see fact_fingerprint): by id(value) for immutable values,
# by the value itself for text and references to model objects (equal values, equal fingerprints)
Digests = dict[object, tuple[Any, bytes]]


def object_key(obj: Any) -> str | None:
    """A name for a model object that stays the same across builds."""
    name = _OBJECT_KEYS.get(type(obj))
    if name is None and isinstance(obj, _MODEL_TYPES):  # a subclass of one (none today): never left unkeyed
        name = next(named for cls, named in _OBJECT_KEYS.items() if isinstance(obj, cls))
    return name(obj) if name is not None else None


# the field that tells a model object from the others of its kind: its key is "kind:value"
_KEY_PARTS: dict[type, Callable[[Any], Any]] = {
    Page: attrgetter("source"), Listing: attrgetter("output"), Tag: attrgetter("slug"), Year: attrgetter("year"),
    Paginator: attrgetter("number"), Series: attrgetter("slug"),
}


def _keyed(kind: str, part: Callable[[Any], Any]) -> Callable[[Any], str]:
    return lambda obj: f"{kind}:{part(obj)}"


_OBJECT_KEYS: dict[type, Callable[[Any], str]] = {
    **{cls: _keyed(cls.__name__.lower(), part) for cls, part in _KEY_PARTS.items()},
    SiteContext: lambda _: "site",  # there is one
}
_MODEL_TYPES = tuple(_OBJECT_KEYS)
REMEMBERED_REFS = 64  # lists of up to this many model objects (a page's tags) are remembered by what they name


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
_NONE = fingerprint(None)


def fact_fingerprint(obj: Any, attribute: str, value: Any, known: Digests | None = None) -> bytes:
    """fingerprint(value), known in advance for a page's content (the biggest value by far), and
    remembered in ``known``: text by its value (a rebuilt model makes equal URLs and names anew),
    references to model objects (``prev``, ``tags``) by what they refer to, other immutable values
    by identity (unchanged sources hand the same title, date and toc objects to every rebuild)."""
    if attribute == "content" and isinstance(obj, Page) and obj.content_digest:
        return obj.content_digest
    if value is None:
        return _NONE
    if known is None:
        return fingerprint(value)
    key = _value_key(value)
    hit = known.get(id(value) if key is None else key)
    if hit is not None and (key is not None or hit[0] is value):
        return hit[1]
    digest = fingerprint(value)
    if key is not None:
        known[key] = (None, digest)
    elif isinstance(value, _IMMUTABLE):
        known[id(value)] = (value, digest)  # the reference keeps the id from being reused
    return digest


def _value_key(value: Any) -> object:
    """A key equal for values with equal fingerprints (text, references to model objects, lists of
    them), or None: then the value is remembered by identity, if at all."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) <= REMEMBERED_REFS:
        keys = tuple(object_key(item) for item in value)
        return ("refs", type(value).__name__, keys) if None not in keys else None
    key = object_key(value)
    return ("ref", key) if key is not None else None


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
    out once per build, as many pages read the same facts.

    With ``before``, the model objects the records were last checked against (chalk serve keeps
    them), an object whose every field is the same as before (:func:`same_objects`) needs none
    of its facts looked at: a page that read only such objects is unchanged without a look at
    any fact, which keeps a save's comparison small however large the site is.
    """

    def __init__(self, site: Site, context: SiteContext, templates: dict[str, str], globals_key: str,
                 digests: Digests, before: Mapping[str, Any] | None = None):
        self.objects = model_objects(site, context)
        self.templates, self.globals_key, self.digests = templates, globals_key, digests
        self.seen: dict[Fact, bytes | None] = {}
        self.same = same_objects(before, self.objects) if before else frozenset()

    def unchanged(self, record: PageRecord) -> bool:
        """Whether everything the record's render read is the same now."""
        if record.globals_key != self.globals_key:
            return False
        if not record.templates.items() <= self.templates.items():  # each template as it was (one C loop)
            return False
        facts = record.reads.facts
        if self.same:
            changed = record.reads.objects - self.same
            if not changed:
                return True
            facts = {fact: digest for fact, digest in facts.items() if fact[0] in changed}
        missing = set(facts).difference(self.seen)  # facts no page before this one read (one C loop)
        if missing:
            self._evaluate(missing)
        return facts.items() <= self.seen.items()  # every fact as it was: compared in one C loop

    def _evaluate(self, facts: Iterable[Fact]) -> None:
        """Today's fingerprint of each fact (None: its object is gone), into :attr:`seen`."""
        objects, seen, digests = self.objects, self.seen, self.digests
        for fact in facts:
            obj = objects.get(fact[0])
            if obj is None:
                seen[fact] = None
                continue
            try:
                value = getattr(obj, fact[1])
            except AttributeError:  # as templates see it: an item, or undefined
                value = jinja2.Environment.getattr(_PLAIN_ENV, obj, fact[1])
            if fact[1] != "content":  # fact_fingerprint's lookups for what most facts are, without its calls:
                if value is None:      # text by its value, immutable values remembered by identity
                    seen[fact] = _NONE
                    continue
                text = isinstance(value, str)
                hit = digests.get(value if text else id(value))
                if hit is not None and (text or hit[0] is value):
                    seen[fact] = hit[1]
                    continue
            seen[fact] = fact_fingerprint(obj, fact[1], value, digests)


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


def _same_references(old: list[Any] | tuple[Any, ...], new: list[Any] | tuple[Any, ...]) -> bool | None:
    """For two lists of the same length of one kind of model object (the posts of a tag):
    whether they name the same objects in the same order; None for any other list."""
    if not new:
        return True
    kinds = set(map(type, new))
    part = _KEY_PARTS.get(kinds.pop()) if len(kinds) == 1 else None
    if part is None or set(map(type, old)) != {type(new[0])}:
        return None
    return list(map(part, old)) == list(map(part, new))


# objects whose every attribute is a field or worked out from their own fields alone (a Series is
# not: its lastmod reads its parts' dates), so equal fields mean equal attributes
_SELF_CONTAINED = (Page, Listing, Tag, Year, Paginator, SiteContext)


def same_objects(before: Mapping[str, Any], now: Mapping[str, Any]) -> frozenset[str]:
    """The keys of the objects in ``now`` whose fields all hold the same as the object of that key
    in ``before``, as a template would see them (:func:`same_value`)."""
    same = []
    for key, obj in now.items():
        old = before.get(key)
        if old is not None and type(old) is type(obj) and isinstance(obj, _SELF_CONTAINED) \
                and _same_fields(vars(old), vars(obj)):
            same.append(key)
    return frozenset(same)


def _same_fields(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if list(old) != list(new):
        return False
    # only the values that are not the very same object are looked at (found in C loops)
    differing = compress(zip(old.values(), new.values()), map(is_not, old.values(), new.values()))
    return all(same_value(a, b) for a, b in differing)


def same_value(old: Any, new: Any) -> bool:
    """Whether a template sees the same in ``new`` as in ``old``: the same text and numbers, the
    same model objects (by key: what they hold are facts of their own), and containers and
    dataclasses of the same, in the same order; anything else by its fingerprint.

    A value the new model took over from the old one (an unchanged source's title, toc or
    extra) is the very same object: those are never changed in place, so identity suffices."""
    kind = type(new)
    if kind is not type(old):
        return False
    if issubclass(kind, str):
        return bool(old == new)
    part = _KEY_PARTS.get(kind)
    if part is not None:
        return bool(part(old) == part(new))
    if isinstance(new, _MODEL_TYPES):  # a subclass of one (none today)
        return object_key(new) == object_key(old)
    if kind is list or kind is tuple:
        if len(old) != len(new):
            return False
        same_refs = _same_references(old, new)
        if same_refs is not None:
            return same_refs
        return all(a is b or same_value(a, b) for a, b in zip(old, new))
    if kind is dict:  # keys as values too (1 and True are equal keys, shown otherwise)
        return len(old) == len(new) and all((a is b or same_value(a, b)) and (x is y or same_value(x, y))
                                            for (a, x), (b, y) in zip(old.items(), new.items()))
    if kind in (int, bool, float, date, datetime):  # equal, and shown the same (0.0 and -0.0; time zones)
        return bool(old == new) and repr(old) == repr(new)
    if dataclasses.is_dataclass(new) and hasattr(new, "__dict__"):
        fields, before = vars(new), vars(old)
        if fields == before and all(type(value) is str or value is None for value in fields.values()):
            return True  # text only (a citation, an author): equal is the same
        return _same_fields(before, fields)
    return fingerprint(old) == fingerprint(new)
