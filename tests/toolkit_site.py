"""A site build with the explainer toolkit's glossary wired in, composed from chalk's own stages.

``chalk.pipeline`` passes the glossary (``content/glossary.yaml``) to the Markdown
renderer and to the model; this helper does the same with the public stage
functions, so the glossary's whole-site behaviour can be tested on its own:
config -> content -> Markdown (with the glossary) -> model (with the glossary) ->
templates -> files in ``root/public``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from chalk.assets import PYGMENTS_CSS, pygments_css, static_files
from chalk.config import load_config
from chalk.content import discover, read_source
from chalk.diagrams import find_drawings
from chalk.errors import Diagnostics
from chalk.glossary import load_glossary
from chalk.markdown import MarkdownRenderer
from chalk.model import Site, build_site
from chalk.render import make_environment, render_all


def build_with_glossary(root: Path) -> tuple[Site, Path, Diagnostics]:
    """Build ``root`` into ``root/public``; raises BuildError on errors."""
    diagnostics = Diagnostics()
    config = load_config(root, diagnostics)
    diagnostics.raise_if_errors()
    assert config is not None
    glossary = load_glossary(config, diagnostics)
    diagnostics.raise_if_errors()
    renderer = MarkdownRenderer(glossary)
    sources = [read_source(path, config.root, config.content_dir, config.tz, diagnostics)
               for path in discover(config.content_dir)]
    items = []
    for source in sources:
        if source is not None and not source.meta.draft:
            rendered = renderer.render(source.body, source.rel, source.body_line)
            diagnostics.extend(list(rendered.diagnostics))
            items.append((source, rendered))
    diagnostics.raise_if_errors()
    site = build_site(config, items, find_drawings(config.static_dir), diagnostics, glossary)
    diagnostics.raise_if_errors()
    files: dict[str, bytes | Path] = dict(static_files(config, diagnostics))
    files[PYGMENTS_CSS] = pygments_css(config)
    files.update(render_all(make_environment(config, {}), site, config.root, diagnostics))
    diagnostics.raise_if_errors()
    out = root / "public"
    if out.exists():
        shutil.rmtree(out)
    for rel, data in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            shutil.copyfile(data, target)
    return site, out, diagnostics
