"""The ``chalk`` command line: version, help, build.py, new, init and the summary line."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

import chalk
from chalk.cli import COMMANDS, main
from support.html import find_all, find_one, parse_html
from support.run import chalk_env, run_chalk, run_python
from support.sites import all_files, copy_repo_site, post, REPO, snapshot_tree

SUMMARY = re.compile(r"^Built (?P<pages>\d+) pages in (?P<seconds>\d+\.\d\d) s, (?P<warnings>\d+) warnings?: "
                     r"(?:(?P<written>\d+) written, (?P<removed>\d+) removed|(?P<nothing>nothing changed)) "
                     r"-> (?P<where>.+)/$")


def test_version():
    code, stdout, stderr = run_chalk("--version", cwd=REPO)
    assert code == 0, stderr
    assert stdout.strip() == f"chalk {chalk.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", chalk.__version__)


def test_console_script_is_installed(tmp_path):
    # the script installed beside this interpreter (a venv's bin/), not some other chalk on PATH
    script = Path(sys.executable).parent / "chalk"
    if not script.is_file():
        pytest.skip(f"no chalk console script beside {sys.executable} (pip install -e . installs it)")
    proc = subprocess.run([script, "--version"], capture_output=True, text=True, cwd=tmp_path, env=chalk_env())
    assert proc.returncode == 0 and proc.stdout.strip() == f"chalk {chalk.__version__}"


def test_no_command_prints_help(tmp_path):
    code, stdout, _ = run_chalk(cwd=tmp_path)
    assert code == 0
    assert "usage: chalk" in stdout
    for command in COMMANDS:
        assert command in stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: chalk {command}" in out
    assert "example" in out.lower()


def test_build_help_through_the_real_cli(tmp_path):
    code, stdout, _ = run_chalk("build", "--help", cwd=tmp_path)
    assert code == 0
    assert "example" in stdout and "--drafts" in stdout and "--strict" in stdout and "--output" in stdout


def test_unknown_command_is_a_usage_error(tmp_path):
    code, _, stderr = run_chalk("frobnicate", cwd=tmp_path)
    assert code == 2
    assert "invalid choice" in stderr


QUICK_EXIT = """
import atexit, sys, threading, time
from chalk.cli import exit_now
atexit.register(lambda: print("atexit ran", flush=True))
if sys.argv[1] == "thread":  # a thread still running: Python's own shutdown waits for it
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread done", flush=True))).start()
print("output", end="")
sys.stderr.write("problem")
exit_now(int(sys.argv[2]))
"""


@pytest.mark.parametrize("thread", ["thread", "alone"])
@pytest.mark.parametrize("code", [0, 1])
def test_the_quick_exit_keeps_the_exit_code_the_output_and_atexit(tmp_path, thread, code):
    status, stdout, stderr = run_python("-c", QUICK_EXIT, thread, str(code), cwd=tmp_path)
    assert status == code
    assert stderr == "problem"
    expected = ["outputatexit ran"] if thread == "alone" else ["outputthread done", "atexit ran"]
    assert stdout.splitlines() == expected


def test_a_failed_build_exits_1_through_the_quick_exit(make_site):
    root = make_site({"content/posts/x.md": "---\ntitle: [unclosed\n---\nText.\n"})
    code, stdout, stderr = run_chalk("build", cwd=root)
    assert code == 1
    assert "content/posts/x.md:3: front matter: invalid YAML" in stderr and "Build failed" in stderr


def test_python_build_py_equals_chalk_build(tmp_path):
    a = copy_repo_site(tmp_path / "a")
    b = copy_repo_site(tmp_path / "b")
    code_a, out_a, err_a = run_python("build.py", cwd=a)
    code_b, out_b, err_b = run_chalk("build", cwd=b)
    assert code_a == code_b == 0, (err_a, err_b)
    bytes_a = {rel: data for rel, (data, _) in snapshot_tree(a / "public").items()}
    bytes_b = {rel: data for rel, (data, _) in snapshot_tree(b / "public").items()}
    assert bytes_a.keys() == bytes_b.keys()
    assert bytes_a == bytes_b
    assert SUMMARY.match(out_a.strip().splitlines()[-1])
    assert out_a.splitlines()[:-1] == out_b.splitlines()[:-1]  # the same slot report


def test_build_py_passes_flags_through(tmp_path):
    site = copy_repo_site(tmp_path / "site")
    code, stdout, _ = run_python("build.py", "--help", cwd=site)
    assert code == 0 and "usage: chalk" in stdout
    code, stdout, _ = run_python("build.py", "build", "--help", cwd=site)
    assert code == 0 and "--drafts" in stdout
    code, stdout, stderr = run_python("build.py", "--output", str(tmp_path / "elsewhere"), cwd=site)
    assert code == 0, stderr
    assert (tmp_path / "elsewhere" / "index.html").is_file()
    assert not (site / "public").exists()


def test_python_dash_m_chalk_builds(make_site):
    root = make_site({"content/posts/x.md": post("X")})
    code, stdout, stderr = run_chalk("build", cwd=root)
    assert code == 0, stderr
    assert (root / "public/posts/x/index.html").is_file()


def test_source_flag_builds_another_folder(make_site, tmp_path):
    root = make_site({"content/posts/x.md": post("X")})
    code, stdout, stderr = run_chalk("build", "--source", root, cwd=tmp_path)
    assert code == 0, stderr
    assert (root / "public/index.html").is_file()


def test_summary_line_format(make_site):
    root = make_site({
        "content/posts/x.md": post("X", mood="odd"),
        "content/posts/y.md": post("Y", "2024-05-15"),
        "content/about.md": "---\ntitle: About\n---\nHi.\n",
    })
    code, stdout, stderr = run_chalk("build", cwd=root)
    assert code == 0, stderr
    last = stdout.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    html_files = [f for f in all_files(root / "public") if f.endswith(".html")]
    assert int(match["pages"]) == len(html_files)
    assert int(match["warnings"]) == 1 and "1 warning:" in last
    assert int(match["written"]) == len(all_files(root / "public")) and int(match["removed"]) == 0
    assert match["where"] == "public"
    assert "content/posts/x.md:4: warning: unknown front matter field 'mood'" in stderr
    before = snapshot_tree(root / "public")

    code, stdout, stderr = run_chalk("build", cwd=root)  # nothing changed: nothing written
    match = SUMMARY.match(stdout.strip().splitlines()[-1])
    assert match, stdout
    assert match["nothing"] or (match["written"], match["removed"]) == ("0", "0")
    assert int(match["pages"]) == len(html_files) and match["warnings"] == "1"
    assert "content/posts/x.md:4: warning: unknown front matter field 'mood'" in stderr  # reported again
    assert snapshot_tree(root / "public") == before

    (root / "content/posts/y.md").unlink()
    code, stdout, _ = run_chalk("build", cwd=root)
    match = SUMMARY.match(stdout.strip().splitlines()[-1])
    assert match and int(match["removed"]) >= 1  # the deleted post's page is removed
    assert not (root / "public/posts/y").exists()


def test_summary_counts_plural_warnings(make_site):
    root = make_site({"content/posts/x.md": post("X", a=1, b=2)})
    code, stdout, _ = run_chalk("build", cwd=root)
    assert code == 0
    assert ", 2 warnings: " in stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------- chalk new

def test_new_creates_a_draft_post_with_unicode_slug(make_site):
    root = make_site({})
    before = date.today()
    code, stdout, stderr = run_chalk("new", "Über Diffusion: Teil 1", cwd=root)
    after = date.today()
    assert code == 0, stderr
    path = root / "content/posts/über-diffusion-teil-1.md"
    assert path.is_file(), list((root / "content").rglob("*"))
    assert "über-diffusion-teil-1.md" in stdout
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == "Über Diffusion: Teil 1"
    assert str(meta["date"]) in (before.isoformat(), after.isoformat())
    assert meta["draft"] is True

    # it is a draft: left out of a normal build, shown with --drafts
    code, _, stderr = run_chalk("build", cwd=root)
    assert code == 0, stderr
    assert not list((root / "public").rglob("*teil-1*"))
    code, _, stderr = run_chalk("build", "--drafts", cwd=root)
    assert code == 0, stderr
    page = root / "public/posts/über-diffusion-teil-1/index.html"
    assert page.is_file()
    assert find_one(parse_html(page), "h1").text.strip() == "Über Diffusion: Teil 1"


def test_new_refuses_to_overwrite(make_site):
    root = make_site({})
    assert run_chalk("new", "Same title", cwd=root)[0] == 0
    path = root / "content/posts/same-title.md"
    path.write_text(path.read_text() + "\nMy precious words.\n")
    before = path.read_bytes()
    code, stdout, stderr = run_chalk("new", "Same title", cwd=root)
    assert code == 1
    assert "already exists" in stderr
    assert "Traceback" not in stderr
    assert path.read_bytes() == before


def test_new_page(make_site):
    root = make_site({})
    code, _, stderr = run_chalk("new", "--page", "Colophon", cwd=root)
    assert code == 0, stderr
    text = (root / "content/colophon.md").read_text()
    assert "title:" in text and "date:" not in text


def test_new_with_unusable_title(make_site):
    root = make_site({})
    code, _, stderr = run_chalk("new", "!!!", cwd=root)
    assert code == 1 and "Traceback" not in stderr
    assert not (root / "content/posts").exists() or not list((root / "content/posts").iterdir())


# --------------------------------------------------------------------------- chalk init

def test_init_then_build(tmp_path):
    code, stdout, stderr = run_chalk("init", "my-blog", cwd=tmp_path)
    assert code == 0, stderr
    site = tmp_path / "my-blog"
    for rel in ("site.yaml", "content/about.md", "templates/base.html", "templates/post.html", "static/css/chalk.css"):
        assert (site / rel).is_file(), rel
    [sample] = (site / "content/posts").glob("*.md")

    code, stdout, stderr = run_chalk("build", cwd=site)
    assert code == 0, stderr
    assert SUMMARY.match(stdout.strip().splitlines()[-1])
    page = site / "public/posts" / sample.stem / "index.html"
    root = parse_html(page)
    figures = find_all(root, "figure", cls="diagram")
    assert figures, "the sample post has a diagram slot"
    assert find_all(figures[0], "div", cls="diagram-placeholder")
    assert find_all(figures[0], "figcaption")
    block = find_one(find_one(root, "div", cls="e-content"), "div", cls="highlight")
    assert [s for s in find_all(block, "span") if s.get("class") in ("k", "kd", "nf", "s", "sa", "si")]
    assert (site / "public/about/index.html").is_file()
    assert (site / "public/feed.xml").is_file()
    assert "awaits a drawing" in stdout or "await a drawing" in stdout


def test_init_refuses_a_non_empty_folder(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    code, _, stderr = run_chalk("init", "taken", cwd=tmp_path)
    assert code == 1
    assert "not empty" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_init_with_title(tmp_path):
    code, _, stderr = run_chalk("init", "blog", "--title", 'Ada\'s "Notes": GANs', cwd=tmp_path)
    assert code == 0, stderr
    config = yaml.safe_load((tmp_path / "blog/site.yaml").read_text())
    assert config["title"] == 'Ada\'s "Notes": GANs'
