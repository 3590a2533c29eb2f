"""Typed sections of site.yaml (chalk.sections) and the line of every key (Config.line_of)."""

from __future__ import annotations

from pathlib import Path

from chalk.config import load_config
from chalk.errors import Diagnostics
from chalk.sections import Deploy, SeriesInfo


def load(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n" + text, encoding="utf-8")
    diagnostics = Diagnostics()
    config = load_config(tmp_path, diagnostics)
    return config, [d.format() for d in diagnostics.items]


def test_config_keeps_the_line_of_every_key(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(
        "title: T\nbase_url: https://example.org/\nsearch: true\ndeploy:\n  remote: up\n  branch: www\n"
        "series:\n  gans:\n    title: GANs\n", encoding="utf-8")
    config = load_config(tmp_path, Diagnostics())
    assert config is not None
    assert [config.line_of(k) for k in ("title", "search", "deploy", "deploy.branch", "series.gans.title")] == \
        [1, 3, 4, 6, 9]
    assert config.line_of("nowhere") is None
    assert config.series == {"gans": SeriesInfo("GANs", "")}
    assert config.deploy == Deploy(remote="up", branch="www")


def test_deploy_section_problems_name_the_key_and_its_line(tmp_path: Path) -> None:
    config, problems = load(tmp_path, "deploy:\n  remote: origin\n  branch: a b\n  brnach: x\n  cname: https://x.org/\n")
    assert config is None
    assert problems == [
        "site.yaml:5: deploy.branch: expected a branch name like gh-pages, got 'a b'",
        "site.yaml:6: warning: deploy.brnach: unknown key is ignored (known keys: remote, branch, message, cname)",
        "site.yaml:7: deploy.cname: expected a bare host name like blog.example.org (no https://, no path), "
        "got 'https://x.org/'",
    ]


def test_deploy_defaults_and_cname_is_trimmed(tmp_path: Path) -> None:
    config, problems = load(tmp_path, "deploy:\n  cname: ' blog.example.org '\n")
    assert problems == [] and config is not None
    assert config.deploy == Deploy("origin", "gh-pages", "Deploy site", "blog.example.org")
