"""``chalk import SRC DEST``: a Jekyll or Hugo site becomes a chalk site that builds.

SRC is only read. Everything is gathered and converted in memory first (:mod:`.jekyll`,
:mod:`.hugo` -> a :class:`~.plan.Plan`; :mod:`.convert` for each body), then written into
DEST, which must be new or empty. What could not be converted stays in the text as an HTML
comment and is listed in the report (``path:line: what (why)``), with one summary line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ..errors import UsageError
from ..output import safe_target
from .convert import convert_hugo, convert_jekyll
from .frontmatter import dump
from .hugo import is_hugo, plan_hugo
from .jekyll import is_jekyll, plan_jekyll
from .plan import Plan
from .report import DROPPED, ImportReport, Item

ENGINES = ("jekyll", "hugo")
REPORT_FILE = "import-report.txt"


def detect(src: Path) -> str:
    """'jekyll' or 'hugo', from the files at the site's root."""
    if is_hugo(src):
        return "hugo"
    if is_jekyll(src):
        return "jekyll"
    raise UsageError(f"{src} does not look like a Jekyll site (_config.yml, _posts/) or a Hugo site "
                     "(hugo.toml, config.toml, config.yaml); name the engine with --from jekyll|hugo")


def check_folders(src: Path, dest: Path) -> None:
    if not src.is_dir():
        raise UsageError(f"{src}: no such folder")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"refusing to import into {dest}: it is not an empty folder (chalk import never "
                         "overwrites); name a new folder")
    source, target = src.resolve(), dest.resolve()
    if target == source or target.is_relative_to(source) or source.is_relative_to(target):
        raise UsageError(f"refusing to import into {dest}: it lies inside {src} (chalk import never changes SRC); "
                         "name a folder outside it")


def import_site(src: Path, dest: Path, engine: str | None = None) -> ImportReport:
    """Read ``src``, convert everything, then write ``dest``; returns what a human should know."""
    check_folders(src, dest)
    engine = engine or detect(src)
    plan = plan_jekyll(src) if engine == "jekyll" else plan_hugo(src)
    items = list(plan.items)
    outputs: dict[str, str] = {}
    for doc in plan.docs:
        body = convert_jekyll(doc, plan.links, plan.heading_ids, plan.excerpt_separator) if engine == "jekyll" else \
            convert_hugo(doc, plan.links, plan.math_is_markdown)
        header = dump(doc.meta)
        text, found = doc.finish(body, header.count("\n") + 2)
        items.extend(found)
        if doc.dest in outputs:
            items.append(Item(doc.dest, None, f"{doc.src} and another file both became {doc.dest}; "
                              "this one was not written", "rename one of them"))
            continue
        outputs[doc.dest] = header + "\n" + text.strip("\n") + "\n"
    _dropped_fields(plan, items)
    report = plan.report()
    report.items = items
    _write(plan, dest, outputs, report)
    return report


def _dropped_fields(plan: Plan, items: list[Item]) -> None:
    """One line per engine-only front matter key, with how many files had it."""
    counts: dict[str, int] = {}
    for doc in plan.docs:
        for key in doc.engine_keys:
            counts[key] = counts.get(key, 0) + 1
    if counts:
        shown = ", ".join(f"{key} ({count})" for key, count in sorted(counts.items()))
        items.append(Item("content", None, f"front matter fields dropped: {shown}",
                          f"they steer {plan.engine} templates; chalk does not use them", DROPPED))


def _write(plan: Plan, dest: Path, outputs: dict[str, str], report: ImportReport) -> None:
    for rel in [*outputs, *(rel for _, rel in plan.files)]:
        safe_target(dest, rel, links_inside=False)  # every path checked before anything is written
    dest.mkdir(parents=True, exist_ok=True)
    site = yaml.safe_dump(plan.site, sort_keys=False, allow_unicode=True, width=1000)
    (dest / "site.yaml").write_text(f"# Imported from a {plan.engine} site by chalk import.\n{site}",
                                    encoding="utf-8")
    (dest / ".gitignore").write_text("public/\n.chalk-cache/\n", encoding="utf-8")
    for rel, text in outputs.items():
        target = safe_target(dest, rel, links_inside=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    written = set(outputs)
    for source, rel in plan.files:
        if rel in written:
            continue
        written.add(rel)
        target = safe_target(dest, rel, links_inside=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (dest / REPORT_FILE).write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
