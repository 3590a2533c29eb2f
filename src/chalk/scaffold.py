"""``chalk new`` and ``chalk init``: create a post, or a whole new site, from chalk's own files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from .config import CONFIG_FILE
from .theme import builtin_theme_dir
from .content import POSTS_DIR, slugify
from .errors import UsageError

SITE_YAML = """\
# Site settings: see the chalk README for every key.
title: {title}
description: An explainer blog built with chalk.
author: {author}
base_url: https://example.org/
language: en
posts_per_page: 10
menu:
  - title: About
    url: /about/
"""

SAMPLE_POST = '''\
---
title: Hello, chalk
date: {today}
summary: A first explainer, with a code block and a diagram slot for a drawing to come.
tags: [meta]
---
Write text first; draw later. This article shows the two things explainers need most.

## A highlighted code block

```python title="hello.py" linenums="1" hl_lines="2"
def greet(name: str) -> str:
    return f"Hello, {{name}}!"
```

## A diagram slot

```diagram
id: pipeline
caption: How chalk turns Markdown into a site
alt: Markdown files flow through front matter parsing, Markdown rendering, the site model and templates into HTML files.
```

!!! tip "Fill the slot"
    Save a drawing as `static/diagrams/pipeline.svg` and the slot shows it.
'''

ABOUT_PAGE = """\
---
title: About
---
This blog is written in Markdown and published with chalk.
"""


def new_post(root: Path, title: str, today: date, page: bool = False) -> Path:
    """Create ``content/posts/<slug>.md`` (or ``content/<slug>.md`` for a page) as a draft."""
    slug = short_slug(slugify(title))
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}; use letters or digits")
    folder = root / "content" if page else root / "content" / POSTS_DIR
    path = folder / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists; choose another title or edit that file")
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if not page:
        lines += [f"date: {today.isoformat()}", "tags: []", "draft: true"]
    lines += ["---", "", "Start writing here.", ""]
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path


MAX_FILE_SLUG = 80  # a long title makes a file name that still fits every file system and URL bar


def short_slug(slug: str, most: int = MAX_FILE_SLUG) -> str:
    """``slug`` cut at a word boundary to at most ``most`` characters (the title itself is kept whole)."""
    if len(slug) <= most:
        return slug
    cut = slug[:most + 1].rsplit("-", 1)[0] if "-" in slug[:most + 1] else slug[:most]
    return cut.strip("-") or slug[:most]


def init_site(target: Path, today: date, title: str = "My explainers", author: str = "") -> list[Path]:
    """Create a new, buildable site in ``target`` with chalk's own templates and static files."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; choose a new folder for the site")
    theme = builtin_theme_dir()
    target.mkdir(parents=True, exist_ok=True)
    for folder in ("templates", "static"):
        shutil.copytree(theme / folder, target / folder, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    files = {
        CONFIG_FILE: SITE_YAML.format(title=json.dumps(title), author=json.dumps(author)),
        f"content/{POSTS_DIR}/hello-chalk.md": SAMPLE_POST.format(today=today.isoformat()),
        "content/about.md": ABOUT_PAGE,
        ".gitignore": "public/\n.chalk-cache/\n/.public.chalk-*/\n",  # a killed build's spool or staging folder
    }
    created = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.append(path)
    return created
