"""A site built where Pillow is not installed (a real chalk process in which ``import PIL`` fails)."""

from __future__ import annotations

from pathlib import Path

from support.html import find_all, parse_html
from support.run import run_chalk
from support.sites import post
from support.pictures import png_bytes

BLOCK_PIL = "import sys\nsys.modules['PIL'] = None  # this process has no Pillow: import PIL raises ImportError\n"


def without_pillow(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "no-pillow"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(BLOCK_PIL, encoding="utf-8")
    return {"PYTHONPATH": str(folder)}


def test_without_pillow_images_are_copied_with_one_warning(make_site, tmp_path):
    root = make_site({"content/posts/p/index.md": post("P", body="![A photo](p.png)\n\n![Again](p.png)\n"),
                      "content/posts/p/p.png": png_bytes(40, 30)})
    env = without_pillow(tmp_path)
    env["PYTHONPATH"] += ":" + str(Path(__file__).resolve().parents[1] / "src")
    code, out, err = run_chalk("build", cwd=root, env=env)
    assert code == 0, err
    lines = [line for line in (out + err).splitlines() if "Pillow" in line]
    assert lines == ["site.yaml: warning: images are published as they are, without AVIF/WebP variants or social "
                     "cards: Pillow is not installed (pip install 'chalk-ssg[images]', or set images: false to "
                     "say so)"]
    page = parse_html(root / "public/posts/p/index.html")
    assert not find_all(page, "picture")
    assert [(i.get("width"), i.get("height")) for i in find_all(page, "img")] == [("40", "30"), ("40", "30")]
    assert (root / "public/posts/p/p.png").read_bytes() == png_bytes(40, 30)


def test_without_pillow_an_images_section_is_one_error(make_site, tmp_path):
    root = make_site({"content/posts/p.md": post("P")},
                     site_yaml="title: T\nbase_url: https://example.org/\nimages:\n  quality: 80\n")
    env = without_pillow(tmp_path)
    env["PYTHONPATH"] += ":" + str(Path(__file__).resolve().parents[1] / "src")
    code, out, err = run_chalk("build", cwd=root, env=env)
    assert code == 1
    errors = [line for line in (out + err).splitlines() if "Pillow" in line]
    assert len(errors) == 1 and "pip install 'chalk-ssg[images]'" in errors[0] and "Traceback" not in out + err
    assert not (root / "public").exists()
