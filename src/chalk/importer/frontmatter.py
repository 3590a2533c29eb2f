"""Front matter in (YAML, TOML or JSON, as Jekyll and Hugo read it) and out (chalk's YAML)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime
from typing import Any

import yaml

#: Keys that only steer the old engine's templates or plugins; they mean nothing to chalk.
ENGINE_KEYS = frozenset({
    "layout", "comments", "share", "mathjax", "math", "katex", "markup", "type", "weight", "sitemap",
    "hidden", "comment", "toc_sticky", "author_profile", "read_time", "showToc", "TocOpen", "ShowToc",
    "disableShare", "hideSummary", "searchHidden", "ShowReadingTime", "ShowBreadCrumbs", "ShowPostNavLinks",
    "ShowWordCount", "ShowRssButtonInSectionTermList", "UseHugoToc", "disableHLJS", "cover", "image", "images",
    "keywords", "menu", "outputs", "lastmod_source", "highlight", "include_toc", "classes", "header",
})
RENAMED = {"lastmod": "updated", "last_modified_at": "updated", "redirect_from": "aliases"}
ORDER = ("title", "date", "updated", "summary", "tags", "categories", "series", "draft", "slug", "url",
         "aliases", "author", "toc")


class FrontMatterError(ValueError):
    """The old front matter cannot be read."""


def split(text: str) -> tuple[dict[str, Any] | None, str, int]:
    """(front matter or None, body, line of the body's first line); YAML ---, TOML +++ or JSON {."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    first = lines[0].strip() if lines else ""
    if first in ("---", "+++"):
        closing = {"---": ("---", "..."), "+++": ("+++",)}[first]
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in closing), None)
        if end is None:
            raise FrontMatterError(f"the {first} on line 1 is never closed")
        raw = "\n".join(lines[1:end])
        try:
            data = yaml.safe_load(raw) if first == "---" else tomllib.loads(raw)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
            raise FrontMatterError(str(exc).split("\n")[0]) from None
        return (data if isinstance(data, dict) else {}), "\n".join(lines[end + 1:]), end + 2
    if first.startswith("{"):
        decoder = json.JSONDecoder()
        try:
            data, end = decoder.raw_decode(text)
        except ValueError as exc:
            raise FrontMatterError(str(exc)) from None
        body = text[end:]
        return data, body.lstrip("\n"), text[:end].count("\n") + 2
    return None, text, 1


def normalise(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """chalk's fields from Jekyll's or Hugo's; returns (front matter, names of engine keys dropped)."""
    data = {RENAMED.get(str(k), str(k)): v for k, v in data.items()}
    dropped = sorted(k for k in data if k in ENGINE_KEYS)
    out: dict[str, Any] = {k: v for k, v in data.items() if k not in ENGINE_KEYS and v is not None}
    if "summary" not in out:
        for key in ("excerpt", "description"):
            if isinstance(out.get(key), str) and out[key].strip():
                out["summary"] = out.pop(key)
                break
    if out.get("published") is False:
        out["draft"] = True
    out.pop("published", None)
    for key in ("tags", "categories"):
        if isinstance(out.get(key), str):
            out[key] = out[key].split()  # Jekyll's rule: a string of words is that many
        if key in out and not out[key]:
            del out[key]
    if isinstance(out.get("aliases"), str):
        out["aliases"] = [out["aliases"]]
    if isinstance(out.get("series"), list):
        if len(out["series"]) == 1:
            out["series"] = out["series"][0]
    if isinstance(out.get("author"), list) and all(isinstance(a, str) for a in out["author"]):
        out["author"] = ", ".join(out["author"])
    if isinstance(out.get("author"), dict) and isinstance(out["author"].get("name"), str):
        out["author"] = out["author"]["name"]
    for key in ("date", "updated"):
        if isinstance(out.get(key), str):
            out[key] = parse_date(out[key]) or out[key]
    if "permalink" in out and "url" not in out:
        out["url"] = out.pop("permalink")
    if isinstance(out.get("toc"), str):
        out["toc"] = out["toc"].lower() in ("true", "yes")
    ordered = {k: out[k] for k in ORDER if k in out}
    ordered.update((k, v) for k, v in out.items() if k not in ordered)
    return ordered, dropped


_JEKYLL_DATE = re.compile(r"^(\d{4}-\d\d-\d\d)(?:[ T](\d\d?:\d\d(?::\d\d(?:\.\d+)?)?))?\s*(Z|[+-]\d\d:?\d\d)?$")


def parse_date(text: str) -> date | datetime | None:
    """Jekyll's ``2019-04-25 10:00:00 +0800`` and friends."""
    match = _JEKYLL_DATE.match(text.strip())
    if not match:
        return None
    day, clock, zone = match.groups()
    try:
        if clock is None:
            return date.fromisoformat(day)
        clock = clock if len(clock.split(":")[0]) == 2 else "0" + clock
        return datetime.fromisoformat(f"{day}T{clock}{zone or ''}".replace("Z", "+00:00"))
    except ValueError:
        return None


def dump(meta: dict[str, Any]) -> str:
    """chalk's front matter block: one ``key: value`` line per field (lists of words in brackets)."""
    return "---\n" + "".join(_field(key, _plain(value)) for key, value in meta.items()) + "---\n"


def _field(key: str, value: Any) -> str:
    if isinstance(value, datetime):
        return f"{key}: {value.isoformat(sep=' ')}\n"
    if isinstance(value, date):
        return f"{key}: {value.isoformat()}\n"
    if isinstance(value, list) and all(not isinstance(v, (dict, list, date)) for v in value):
        items = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).strip()
        return f"{key}: {items}\n"  # tags: [ml, math]
    return yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


def _plain(value: Any) -> Any:
    """Values YAML can write: TOML's and YAML's dates stay dates; anything odd becomes text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool, date)) or value is None:
        return value
    return str(value)
