"""Read a Hugo site (``hugo.toml``/``config.*``, ``content/``, ``static/``) into a :class:`Plan`."""

from __future__ import annotations

import json
import posixpath
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .document import Document
from .frontmatter import FrontMatterError, normalise, split
from .plan import Plan, add_alias, chalk_url, title_from, walk

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
TEXT_SUFFIXES = (".md", ".markdown")
POST_SECTIONS = ("posts", "post", "blog", "articles", "notes")
NOT_CONTENT = ("layouts", "themes", "assets", "data", "i18n", "archetypes", "resources")


def config_file(src: Path) -> Path | None:
    for folder in (src, src / "config" / "_default"):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def is_hugo(src: Path) -> bool:
    return config_file(src) is not None


def read_config(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".toml":
        data = tomllib.loads(text)
    elif path.suffix == ".json":
        data = json.loads(text)
    else:
        data = yaml.safe_load(text)
    return {str(k).lower(): v for k, v in (data or {}).items()} if isinstance(data, dict) else {}


def plan_hugo(src: Path) -> Plan:
    config_path = config_file(src)
    config = read_config(config_path) if config_path else {}
    params = {str(k).lower(): v for k, v in (config.get("params") or {}).items()}
    base_url = str(config.get("baseurl") or "https://example.org/")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    plan = Plan("Hugo", src, site_config(config, params, base_url))
    if not config.get("baseurl"):
        plan.left("site.yaml", "base_url: https://example.org/", "the Hugo config has no baseURL; write the "
                  "address the site will have")
    path = base_url.partition("://")[2].partition("/")[2]
    plan.links.site_url = base_url.rstrip("/")
    plan.links.base_path = ("/" + path.strip("/")) if path.strip("/") else ""
    goldmark = ((config.get("markup") or {}).get("goldmark") or {}).get("extensions") or {}
    plan.math_is_markdown = not (goldmark.get("passthrough") or {}).get("enable", False)
    sections = [str(s) for s in params.get("mainsections") or []] or list(POST_SECTIONS)
    permalinks = {str(k): str(v) for k, v in (config.get("permalinks") or {}).items() if isinstance(v, str)}
    ugly = bool(config.get("uglyurls"))
    content_dir = src / str(config.get("contentdir") or "content")
    static_dir = src / str(config.get("staticdir") or "static")
    texts = [rel for rel in walk(content_dir) if rel.lower().endswith(TEXT_SUFFIXES)] if content_dir.is_dir() else []
    bundles = {posixpath.dirname(rel) for rel in texts if posixpath.basename(rel) == "index.md" and "/" in rel}
    for rel in texts:
        _document(plan, content_dir, rel, sections, permalinks, ugly)
    for rel in walk(content_dir) if content_dir.is_dir() else []:
        if rel.lower().endswith(TEXT_SUFFIXES) or posixpath.basename(rel).startswith("."):
            continue
        bundle = next((b for b in sorted(bundles, key=len, reverse=True) if rel.startswith(b + "/")), None)
        owner = next((d for d in plan.docs if bundle is not None and d.src == f"content/{bundle}/index.md"), None)
        if owner is not None:  # a page bundle's resource: beside the page's new URL
            plan.files.append((content_dir / rel, "static" + owner.url_folder + posixpath.relpath(rel, bundle)))
        else:
            plan.asset(content_dir / rel, "/" + rel)  # Hugo publishes it at the same path
    for rel in walk(static_dir) if static_dir.is_dir() else []:
        plan.asset(static_dir / rel, "/" + rel)
    others = [name for name in NOT_CONTENT if (src / name).is_dir()]
    if others:
        plan.dropped(".", f"folders not imported: {', '.join(others)}", "templates, theme and pipeline files of "
                     "Hugo; chalk has its own theme")
    return plan


def site_config(config: dict[str, Any], params: dict[str, Any], base_url: str) -> dict[str, Any]:
    site: dict[str, Any] = {"title": str(config.get("title") or params.get("title") or "My site"),
                            "base_url": base_url}
    description = params.get("description") or config.get("description")
    if isinstance(description, str) and description.strip():
        site["description"] = " ".join(description.split())
    author = params.get("author") or config.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, list) and author and all(isinstance(a, str) for a in author):
        author = ", ".join(author)
    if isinstance(author, str) and author:
        site["author"] = author
    language = config.get("languagecode") or config.get("defaultcontentlanguage")
    if isinstance(language, str):
        site["language"] = language
    if isinstance(config.get("timezone"), str):
        site["timezone"] = config["timezone"]
    pager = config.get("paginate") or (config.get("pagination") or {}).get("pagerSize") \
        if isinstance(config.get("pagination", {}), dict) else config.get("paginate")
    if isinstance(pager, int) and pager > 0:
        site["posts_per_page"] = pager
    return site


def _document(plan: Plan, content_dir: Path, rel: str, sections: list[str], permalinks: dict[str, str],
              ugly: bool) -> None:
    src_rel = "content/" + rel
    name = posixpath.basename(rel)
    if name.startswith("_index."):
        try:
            _, body, _ = split((content_dir / rel).read_text(encoding="utf-8", errors="replace"))
        except FrontMatterError:
            body = ""
        if body.strip():
            plan.left(src_rel, "a section page's text, not imported", "chalk's listing pages have no intro text")
        return
    try:
        data, body, _ = split((content_dir / rel).read_text(encoding="utf-8", errors="replace"))
    except FrontMatterError as exc:
        plan.left(src_rel, "front matter that does not parse, not imported", str(exc))
        return
    meta, engine_keys = normalise(data or {})
    parts = rel.split("/")
    bundle = name.rsplit(".", 1)[0] == "index" and len(parts) > 1
    stem = parts[-2] if bundle else name.rsplit(".", 1)[0]
    section = parts[0] if len(parts) > 1 else ""
    slug = str(meta.get("slug") or stem)
    meta.setdefault("title", title_from(stem))
    if "date" not in meta and isinstance(meta.get("publishDate"), (date, datetime)):
        meta["date"] = meta.pop("publishDate")
    kind = "post" if section and (section in sections or "date" in meta) else "page"
    inner = parts[1:-2] if bundle else parts[1:-1]
    dest = posixpath.join("content/posts", *inner, stem + ".md") if kind == "post" else \
        posixpath.join("content", *parts[:-2], stem + ".md") if bundle else posixpath.join("content", *parts[:-1], stem + ".md")
    old_url = _hugo_url(section, inner, slug, meta, permalinks, ugly)
    if meta.get("url"):
        meta["url"] = "/" + str(meta["url"]).lstrip("/")
        old_url = meta["url"]
    plan.keep_url(meta, src_rel)
    new_url = chalk_url(kind, slug, meta.get("url"))
    add_alias(meta, old_url, new_url)
    doc = Document(src_rel, dest, kind, meta, body, old_url, new_url, engine_keys=tuple(engine_keys))
    plan.docs.append(doc)
    plan.links.add(doc)


def _hugo_url(section: str, inner: list[str], slug: str, meta: dict[str, Any], permalinks: dict[str, str],
              ugly: bool) -> str:
    pattern = permalinks.get(section)
    if pattern:
        when = meta.get("date")
        stamp = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time()) \
            if isinstance(when, date) else datetime(1970, 1, 1)
        values = {":year": f"{stamp.year:04d}", ":month": f"{stamp.month:02d}", ":day": f"{stamp.day:02d}",
                  ":slug": slug, ":title": slug, ":filename": slug, ":contentbasename": slug,
                  ":section": section, ":sections": "/".join([section, *inner])}
        url = pattern
        for key in sorted(values, key=len, reverse=True):
            url = url.replace(key, values[key])
        return "/" + url.strip("/").lower() + ("/" if not url.endswith(".html") else "")
    path = "/".join(p for p in [section, *inner, slug] if p).lower().replace(" ", "-")  # Hugo lowercases paths
    return f"/{path}.html" if ugly else f"/{path}/"
