"""Benchmark chalk's image step: a site with N generated photos, built cold and again.

    python bench/images.py --photos 200 [--size 1600x1067] [--jobs N] [--out FILE.json]

The site has N/10 page-bundle posts with 10 JPEG photos each (seeded, so every run makes
the same photos). It runs the real command line, ``python -m chalk build``, as a child
process three times: cold (no public/, no .chalk-cache/), unchanged (everything cached),
and after one photo was replaced. Wall time is measured around the child; CPU time
(user+sys, all worker processes included) and peak memory (the largest max RSS of the
child or of any one of its workers) come from the kernel's rusage (``os.wait4`` and
``RUSAGE_CHILDREN`` of a helper). Image work per build is counted from the variant files
in .chalk-cache/images/ that are new after it. Prints a Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_photo(path: Path, width: int, height: int, seed: int) -> None:
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    Image.blend(image, noise, 0.12).save(path, "JPEG", quality=88)


def make_site(folder: Path, photos: int, width: int, height: int) -> None:
    (folder / "content/posts").mkdir(parents=True)
    (folder / "site.yaml").write_text("title: Photo bench\nbase_url: https://example.org/\n", encoding="utf-8")
    for post in range(max(1, photos // 10)):
        bundle = folder / f"content/posts/album-{post:03d}"
        bundle.mkdir()
        body = []
        for index in range(min(10, photos - post * 10)):
            make_photo(bundle / f"photo-{index}.jpg", width, height, post * 100 + index)
            body.append(f'![Photo {index} of album {post}](photo-{index}.jpg "Photo {index}")\n')
        (bundle / "index.md").write_text(f"---\ntitle: Album {post}\ndate: 2024-01-{1 + post % 28:02d}\n---\n\n"
                                         + "\nSome text between the photos.\n\n".join(body), encoding="utf-8")


def run(site: Path, jobs: int | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    args = [sys.executable, "-m", "chalk", "build", "-s", str(site)] + (["--jobs", str(jobs)] if jobs else [])
    before = {p.name for p in (site / ".chalk-cache/images").rglob("*") if p.is_file()} \
        if (site / ".chalk-cache/images").is_dir() else set()
    helper = [sys.executable, "-c", (
        "import os, resource, subprocess, sys, time, json\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "wall = time.perf_counter() - start\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'code': code, 'wall': wall, 'cpu': u.ru_utime + u.ru_stime, 'rss_mb': u.ru_maxrss / 1024}))\n"
    ), *args]
    out = subprocess.run(helper, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"chalk build failed with {result['code']}")
    after = {p.name for p in (site / ".chalk-cache/images").rglob("*") if p.is_file()}
    result["made"] = len({n for n in after - before if not n.endswith(".json")})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--size", default="1600x1067")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    width, height = map(int, options.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="chalk-images-bench-") as tmp:
        site = Path(tmp) / "site"
        start = time.perf_counter()
        make_site(site, options.photos, width, height)
        print(f"generated {options.photos} photos of {width}×{height} in {time.perf_counter() - start:.1f} s "
              f"({sum(p.stat().st_size for p in site.rglob('*.jpg')) / 1e6:.1f} MB)")
        rows = {"cold": run(site, options.jobs), "unchanged": run(site, options.jobs)}
        make_photo(site / "content/posts/album-000/photo-0.jpg", width, height, 999_999)
        rows["one photo replaced"] = run(site, options.jobs)
        published = sum(1 for p in (site / "public").rglob("*") if p.suffix in (".avif", ".webp", ".jpg"))
        shutil.rmtree(site / "public", ignore_errors=True)
    print(f"\n{published} image files published; cores: {os.cpu_count()}\n")
    print("| build | wall s | CPU s | peak RSS MB | files made |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        print(f"| {name} | {row['wall']:.2f} | {row['cpu']:.2f} | {row['rss_mb']:.0f} | {row['made']} |")
    if options.out:
        options.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
