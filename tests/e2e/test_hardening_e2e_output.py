"""Issue 16, items 5 and 6 (end to end): a build that fails or is interrupted never leaves a mixed site.

Real faults, no mocks: a small tmpfs that fills up, a tmpfs remounted read-only (both
mounted and unmounted by the tests; they need root), and real SIGKILL / SIGINT sent to
``chalk build`` at random points of its write phase over many runs. After every run
the output folder is the old site or the new one, whole (an interrupted swap is
completed by the next build), and the next build gives byte-identical clean output.

``CHALK_REQUIRE_FAULTS=1`` turns the skips (not root, no tmpfs) into failures.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from support.run import chalk_env
from support.sites import post, snapshot_tree, write_files

RUNS_PER_SIGNAL = 8


def require_faults(reason: str) -> None:
    if os.environ.get("CHALK_REQUIRE_FAULTS") == "1":
        pytest.fail(f"{reason} (CHALK_REQUIRE_FAULTS=1, so this is required)")
    pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` (e.g. "1m") mounted on a temporary folder; unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        require_faults("mounting a tmpfs needs root and mount(8)")
    point = Path(tempfile.mkdtemp(prefix="chalk-tmpfs-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        point.rmdir()
        require_faults(f"cannot mount a tmpfs: {proc.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
        with contextlib.suppress(OSError):
            point.rmdir()


def chalk(*args: str | os.PathLike, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalk", *map(str, args)], cwd=cwd, env=chalk_env(),
                          capture_output=True, text=True, timeout=180)


def contents(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _) in snapshot_tree(folder).items()}


def small_site(root: Path, version: str, posts: int = 6) -> Path:
    files = {f"content/posts/p{i}.md": post(f"Post {i} {version}", body=f"Text {version} {i}.\n")
             for i in range(posts)}
    return write_files(root, files)


def leftovers(root: Path) -> list[str]:
    """Staging folders and temporary files left behind (the cache folder is meant to stay)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if "chalk-staging" in p.name or p.name.startswith(".chalk-") and p.name != ".chalk-cache"
                  and ".chalk-cache" not in p.parts)


# --------------------------------------------------------------------------- a full disk

def test_full_disk_during_the_write_leaves_the_last_site_exactly_as_it_was(tmp_path):
    site = small_site(tmp_path / "site", "v1")
    with tmpfs("1m") as disk:
        output = disk / "public"
        first = chalk("build", "--output", output, cwd=site)
        assert first.returncode == 0, first.stderr
        before = snapshot_tree(output)
        small_site(site, "v2")
        (site / "static").mkdir()
        (site / "static" / "big.bin").write_bytes(os.urandom(1100 * 1024))  # more than the disk holds
        failed = chalk("build", "--output", output, cwd=site)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stderr, failed.stderr
        assert "cannot write the site: No space left on device" in failed.stderr, failed.stderr
        assert snapshot_tree(output) == before  # same files, same bytes, same mtimes
        assert leftovers(disk) == []

        (site / "static" / "big.bin").unlink()
        again = chalk("build", "--output", output, cwd=site)
        assert again.returncode == 0, again.stderr
        clean = tmp_path / "clean"
        assert chalk("build", "--no-cache", "--output", clean, cwd=site).returncode == 0
        assert contents(output) == contents(clean)


def test_read_only_output_folder_is_a_path_message_line(tmp_path):
    site = small_site(tmp_path / "site", "v1")
    with tmpfs("4m") as disk:
        output = disk / "public"
        assert chalk("build", "--output", output, cwd=site).returncode == 0
        before = snapshot_tree(output)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        small_site(site, "v2")
        failed = chalk("build", "--output", output, cwd=site)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stderr, failed.stderr
        assert "Read-only file system" in failed.stderr and "public" in failed.stderr, failed.stderr
        assert snapshot_tree(output) == before


def test_a_plain_file_where_chalk_needs_a_folder_is_replaced(tmp_path):
    site = small_site(tmp_path / "site", "v1")
    assert chalk("build", cwd=site).returncode == 0
    shutil.rmtree(site / "public" / "posts")
    (site / "public" / "posts").write_text("not a folder")
    again = chalk("build", cwd=site)
    assert again.returncode == 0, again.stderr
    assert (site / "public" / "posts" / "p0" / "index.html").is_file()


# --------------------------------------------------------------------------- interruptions

def big_site(root: Path, version: str) -> Path:
    """Enough output that the write phase takes a while: pages plus larger static files, all changed in v2."""
    files: dict[str, str | bytes] = {
        f"content/posts/p{i}.md": post(f"Post {i} {version}", body=f"Text {version} {i}.\n" * 40)
        for i in range(30 if version == "v1" else 24)  # v2 removes six posts
    }
    files.update({f"content/posts/{version}-only.md": post(f"Only in {version}")})
    rng = random.Random(version)
    files.update({f"static/blobs/b{i}.bin": rng.randbytes(48 * 1024) for i in range(120)})
    files["static/unchanged.txt"] = "the same in both versions\n"
    if (root / "content").exists():
        shutil.rmtree(root / "content")
    return write_files(root, files)


def wait_for(path_exists, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path_exists():
            return True
        time.sleep(0.0005)
    return False


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_interrupted_writes_never_leave_a_mixed_site(tmp_path, signum):
    from chalk.output import recover

    site = big_site(tmp_path / "site", "v1")
    output = site / "public"
    assert chalk("build", cwd=site).returncode == 0
    pristine = tmp_path / "pristine-v1"
    shutil.copytree(output, pristine)  # copy2: mtimes kept
    old = contents(output)

    big_site(site, "v2")
    reference = tmp_path / "reference-v2"
    assert chalk("build", "--no-cache", "--output", reference, cwd=site).returncode == 0
    new = contents(reference)
    assert old != new and old["unchanged.txt"] == new["unchanged.txt"]

    staging = site / ".public.chalk-staging"
    rng = random.Random(f"chalk-{signum}")
    outcomes: dict[str, int] = {}
    for run in range(RUNS_PER_SIGNAL):
        shutil.rmtree(output)
        shutil.copytree(pristine, output)
        shutil.rmtree(site / ".chalk-cache", ignore_errors=True)
        proc = subprocess.Popen([sys.executable, "-m", "chalk", "build"], cwd=site, env=chalk_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        point = run % 3  # where in the write phase to strike
        if point == 0:  # while files are being staged
            wait_for(staging.exists, 60)
            time.sleep(rng.uniform(0, 0.03))
        elif point == 1:  # as soon as the swap is committed: during the renames
            wait_for(lambda: (staging / "journal.json").exists(), 60)
        else:  # anywhere from the first staged file to the end
            wait_for(staging.exists, 60)
            time.sleep(rng.uniform(0, 0.15))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err

        journaled = (staging / "journal.json").exists()
        seen = contents(output)
        recover(output)  # what the next build does first
        after = contents(output)
        assert after in (old, new), f"run {run}: the output is a mix of the old and the new site"
        if seen not in (old, new):
            assert journaled, f"run {run}: a mixed output without a journal to complete it"
        kind = "old" if after == old else "new"
        outcomes[kind + (" (completed by the next build)" if seen != after else "")] = \
            outcomes.get(kind + (" (completed by the next build)" if seen != after else ""), 0) + 1
        assert not staging.exists()

        rebuilt = chalk("build", cwd=site)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert contents(output) == new, f"run {run}: the build after the interruption differs from a clean one"
        assert leftovers(site) == [], leftovers(site)
        unchanged = output / "unchanged.txt"
        assert unchanged.stat().st_mtime_ns == (pristine / "unchanged.txt").stat().st_mtime_ns
    print(f"{signal.Signals(signum).name}: {outcomes}")
