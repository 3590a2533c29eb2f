"""Read a Jekyll site (``_config.yml``, ``_posts/``, ``_drafts/``, pages, assets) into a :class:`Plan`."""

from __future__ import annotations

import fnmatch
import posixpath
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..content import file_name_date, slugify
from .document import Document
from .frontmatter import FrontMatterError, normalise, split
from .plan import Plan, add_alias, chalk_url, title_from, walk

CONFIG_FILES = ("_config.yml", "_config.yaml")
DEFAULT_EXCLUDE = (".sass-cache", ".jekyll-cache", ".jekyll-metadata", "gemfiles", "Gemfile", "Gemfile.lock",
                   "node_modules", "vendor", "_site", "package.json", "package-lock.json", "yarn.lock", "Rakefile",
                   "*.gemspec", "netlify.toml", "CNAME", "LICENSE*", "README*", "CHANGELOG*")
TEXT_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn")
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


def is_jekyll(src: Path) -> bool:
    return any((src / name).is_file() for name in CONFIG_FILES) or (src / "_posts").is_dir()


def read_config(src: Path) -> dict[str, Any]:
    for name in CONFIG_FILES:
        if (src / name).is_file():
            data = yaml.safe_load((src / name).read_text(encoding="utf-8", errors="replace"))
            return data if isinstance(data, dict) else {}
    return {}


def plan_jekyll(src: Path) -> Plan:
    config = read_config(src)
    base_path = "/" + str(config.get("baseurl") or "").strip("/") if str(config.get("baseurl") or "").strip("/") else ""
    site_url = str(config.get("url") or "").rstrip("/")
    plan = Plan("Jekyll", src, site_config(config, site_url, base_path, src))
    if not site_url:
        plan.left("site.yaml", "base_url: https://example.org" + base_path + "/",
                  "_config.yml has no url; write the address the site will have")
    plan.links.site_url, plan.links.base_path = site_url + base_path if site_url else "", base_path
    kramdown = config.get("kramdown")
    kramdown = kramdown if isinstance(kramdown, dict) else {}
    plan.heading_ids = "kramdown" if str(kramdown.get("input", "GFM")).lower() == "kramdown" else "gfm"
    separator = str(config.get("excerpt_separator") or "")
    plan.excerpt_separator = separator if separator.strip() and separator.strip() != "<!--more-->" else ""
    style = str(config.get("permalink") or "date")
    pattern = PERMALINK_STYLES.get(style, style)
    excludes = [*DEFAULT_EXCLUDE, *(str(e).strip("/") for e in config.get("exclude") or [])]
    includes = [str(i).strip("/") for i in config.get("include") or []]
    skipped: list[str] = []
    for rel in walk(src, skip_dirs=(".git",)):
        parts = rel.split("/")
        if _excluded(rel, excludes) and not _excluded(rel, includes):
            if rel.count("/") == 0 and not rel.startswith("."):
                skipped.append(rel)
            continue
        if "_posts" in parts or "_drafts" in parts:
            _post_or_file(plan, rel, pattern, draft="_drafts" in parts)
        elif any(part.startswith(("_", ".")) for part in parts):
            continue  # layouts, includes, sass, data, config: the old theme, not content
        else:
            _page_or_asset(plan, rel, style)
    if skipped:
        plan.dropped(skipped[0] if len(skipped) == 1 else ".", f"repository files not published: {', '.join(skipped)}",
                     "Jekyll leaves them out of the site too")
    unused = sorted(k for k in config if k not in SITE_KEYS)
    if unused:
        plan.dropped("site.yaml", f"_config.yml settings not carried over: {', '.join(unused)}",
                     "they steer Jekyll, its theme or its plugins")
    _link_docs(plan)
    return plan


SITE_KEYS = ("title", "description", "author", "url", "baseurl", "lang", "timezone", "paginate", "permalink",
             "markdown", "exclude", "include", "kramdown", "excerpt_separator")


def site_config(config: dict[str, Any], site_url: str, base_path: str, src: Path) -> dict[str, Any]:
    author = config.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    site: dict[str, Any] = {"title": str(config.get("title") or config.get("name") or src.name),
                            "base_url": (site_url or "https://example.org") + base_path + "/"}
    if config.get("description"):
        site["description"] = " ".join(str(config["description"]).split())
    if isinstance(author, str) and author:
        site["author"] = author
    if isinstance(config.get("lang"), str):
        site["language"] = config["lang"]
    if isinstance(config.get("timezone"), str):
        site["timezone"] = config["timezone"]
    if isinstance(config.get("paginate"), int):
        site["posts_per_page"] = config["paginate"]
    cname = src / "CNAME"
    if cname.is_file() and cname.read_text(encoding="utf-8", errors="replace").strip():
        site["deploy"] = {"cname": cname.read_text(encoding="utf-8", errors="replace").strip()}
    return site


def _excluded(rel: str, patterns: list[str]) -> bool:
    first = rel.split("/")[0]
    return any(fnmatch.fnmatch(first, p) or fnmatch.fnmatch(rel, p) or rel.startswith(p + "/") for p in patterns)


def _post_or_file(plan: Plan, rel: str, pattern: str, draft: bool) -> None:
    path = plan.src / rel
    if path.suffix.lower() not in TEXT_SUFFIXES:
        _post_resource(plan, rel)
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data, body, _ = split(text)
    except FrontMatterError as exc:
        plan.left(rel, "front matter that does not parse, not imported", str(exc))
        return
    meta, engine_keys = normalise(data or {})
    folder = "_drafts" if draft else "_posts"
    before, _, after = rel.partition(folder + "/")
    named_date, slug = file_name_date(path.stem)
    slug = str(meta.get("slug") or slug)
    meta.setdefault("title", title_from(slug))
    if "date" not in meta:
        meta["date"] = named_date or date.fromtimestamp(path.stat().st_mtime)
    categories = [c for c in before.strip("/").split("/") if c]
    if categories and "categories" not in meta:
        meta["categories"] = categories
    if draft:
        meta["draft"] = True
    sub = posixpath.dirname(after)
    dest = posixpath.join("content/posts", sub, path.stem + ".md")
    old_url = "" if draft else expand(pattern, meta, slug, path.stem)
    if meta.get("url"):
        old_url = expand(str(meta["url"]), meta, slug, path.stem)
        meta["url"] = old_url
    plan.keep_url(meta, rel)
    new_url = chalk_url("post", slug, meta.get("url"))
    add_alias(meta, old_url, new_url)
    doc = Document(rel, dest, "post", meta, body, old_url, new_url, engine_keys=tuple(engine_keys))
    plan.docs.append(doc)
    plan.links.add(doc, path.stem)


def _post_resource(plan: Plan, rel: str) -> None:
    """A file in _posts/ or _drafts/: an image beside a post (jekyll-postfiles); copied beside its page."""
    plan.files.append((plan.src / rel, rel))  # placed once every post is known (see _link_docs)


def _page_or_asset(plan: Plan, rel: str, style: str) -> None:
    path = plan.src / rel
    head = path.open("rb").read(4)
    has_front_matter = head.startswith(b"---")
    suffix = path.suffix.lower()
    if not has_front_matter:
        if suffix in TEXT_SUFFIXES:
            plan.dropped(rel, "Markdown without front matter, not imported", "Jekyll copies it as a plain file")
            return
        plan.asset(path, "/" + rel)
        return
    if suffix not in TEXT_SUFFIXES:
        if rel in ("index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt") or rel.endswith(
                ("archive.html", "tags.html", "categories.html", "index.html")):
            plan.dropped(rel, "a Liquid template page, not imported", "chalk makes its own home, archive, tags, "
                         "feed, sitemap and 404 pages")
        elif suffix in (".scss", ".sass", ".css"):
            plan.dropped(rel, "a stylesheet Jekyll compiles, not imported", "chalk's theme has its own CSS")
        else:
            plan.left(rel, "a page written in HTML and Liquid, not imported", "rewrite it in Markdown under content/")
        return
    try:
        data, body, _ = split(path.read_text(encoding="utf-8", errors="replace"))
    except FrontMatterError as exc:
        plan.left(rel, "front matter that does not parse, not imported", str(exc))
        return
    meta, engine_keys = normalise(data or {})
    stem = path.stem
    folder = posixpath.dirname(rel)
    if stem == "index" and not folder:
        if body.strip():
            plan.left(rel, "the home page's text, not imported", "chalk's home page lists the posts")
        return
    slug = posixpath.basename(folder) if stem == "index" else stem
    meta.setdefault("title", title_from(slug))
    dest = posixpath.join("content", rel.rsplit(".", 1)[0] + ".md")
    if stem == "index":
        dest = posixpath.join("content", folder + ".md")
        meta.setdefault("slug", slug)
    pretty = style == "pretty" or style.endswith("/")
    old_url = "/" + (folder + "/" if stem == "index" else
                     posixpath.join(folder, stem) + ("/" if pretty else ".html"))
    if meta.get("url"):
        old_url = "/" + str(meta["url"]).lstrip("/")
    plan.keep_url(meta, rel)
    new_url = chalk_url("page", str(meta.get("slug") or slug), meta.get("url"))
    add_alias(meta, old_url, new_url)
    doc = Document(rel, dest, "page", meta, body, old_url, new_url, engine_keys=tuple(engine_keys))
    plan.docs.append(doc)
    plan.links.add(doc)


def expand(pattern: str, meta: dict[str, Any], slug: str, name: str) -> str:
    """Jekyll's permalink placeholders (:year, :title, :categories, ...) for one post."""
    when = meta.get("date")
    if not isinstance(when, (date, datetime)):
        when = date.today()
    stamp = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
    categories = meta.get("categories") or []
    values = {
        "year": f"{stamp.year:04d}", "month": f"{stamp.month:02d}", "i_month": str(stamp.month),
        "day": f"{stamp.day:02d}", "i_day": str(stamp.day), "short_year": f"{stamp.year % 100:02d}",
        "hour": f"{stamp.hour:02d}", "minute": f"{stamp.minute:02d}", "second": f"{stamp.second:02d}",
        "y_day": f"{stamp.timetuple().tm_yday:03d}", "week": f"{stamp.isocalendar()[1]:02d}",
        "short_day": stamp.strftime("%a"), "title": slug, "slug": slugify(slug), "name": name,
        "categories": "/".join(slugify(str(c)) for c in categories if isinstance(c, str)),
        "output_ext": ".html",
    }
    url = pattern
    for key in sorted(values, key=len, reverse=True):
        url = url.replace(":" + key, values[key])
    url = "/" + "/".join(part for part in url.split("/") if part)
    return url + "/" if pattern.endswith("/") else url


def _link_docs(plan: Plan) -> None:
    """Files in _posts/: beside the post of the same folder (or name), at that post's new URL."""
    resources = [(path, rel) for path, rel in plan.files if rel.split("/")[0] in ("_posts", "_drafts")
                 or "/_posts/" in rel or "/_drafts/" in rel]
    plan.files = [entry for entry in plan.files if entry not in resources]
    posts = [d for d in plan.docs if d.kind == "post"]
    for path, rel in resources:
        folder = posixpath.dirname(rel)
        owners = [d for d in posts if posixpath.dirname(d.src) == folder]
        named = [d for d in owners if Path(d.src).stem == Path(folder).name]
        owner = named[0] if named else (owners[0] if len(owners) == 1 else None)
        if owner is None:
            plan.dropped(rel, "a file among several posts, not imported", "chalk cannot tell which post it belongs to; "
                         "put it in static/")
            continue
        name = posixpath.relpath(rel, folder)
        plan.files.append((path, "static" + owner.url_folder + name))
