"""The ``chalk`` command: build | serve | check | deploy | new | init | import.

Every command's argparse and its handler live here; the handlers call the pipeline
(and chalk.deploy, chalk.serve, chalk.scaffold) and print only through
:class:`~chalk.report.Reporter`. Errors a writer can cause become ``path:line:
message`` lines and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

from . import __version__
from .cache import CACHE_DIR
from .errors import BuildError, ChalkError, Diagnostics, UsageError
from .options import BuildOptions
from .pipeline import build_or_replay
from .report import Reporter

#: A build holds a million long-lived objects (the restored state, the model); Python's default
#: cycle collector walks them all every few thousand allocations, a sixth of an edit's rebuild.
#: Collecting less often keeps that cost small; cycles are still collected.
GC_THRESHOLDS = (100_000, 50, 100)
COMMANDS = ("build", "serve", "check", "deploy", "new", "init", "import")


def _common_build_flags(parser: argparse.ArgumentParser) -> None:
    _source_flag(parser)
    parser.add_argument("-D", "--drafts", action="store_true", help="include posts marked draft: true")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="worker processes for Markdown, cells and pages (default: one per CPU core; 1: no workers)")
    parser.add_argument("--no-cache", action="store_true",
                        help="ignore and do not update the render cache in .chalk-cache/")
    parser.add_argument("--no-execute", action="store_true",
                        help="run no {python} cells: publish their frozen results from _freeze/ (an article "
                             "without one is an error)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chalk", description="chalk: a static site generator for long technical explainers.",
        epilog="Run `chalk COMMAND --help` for a command's flags, e.g. `chalk build --help`.")
    parser.add_argument("--version", action="version", version=f"chalk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_build, _add_serve, _add_check, _add_deploy, _add_new, _add_init, _add_import):
        add(commands)
    return parser


def _source_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-s", "--source", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder, holding site.yaml (default: the current folder)")


def _add_build(commands: Any) -> None:
    parser = commands.add_parser(
        "build", help="render the site into public/",
        description="Render content/ through templates/ into the output folder (public/ by default). "
                    "Nothing is written unless the whole site builds.",
        epilog="example: chalk build --drafts --output /tmp/preview", formatter_class=argparse.RawTextHelpFormatter)
    _common_build_flags(parser)
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="write here instead of site.yaml's output_dir (may lie outside the project)")
    parser.add_argument("--base-url", metavar="URL", help="override site.yaml's base_url for this build")
    parser.add_argument("--strict", action="store_true",
                        help="fail on warnings and on diagram slots that still await a drawing")
    parser.set_defaults(handler=cmd_build)


def _add_serve(commands: Any) -> None:
    parser = commands.add_parser(
        "serve", help="preview the site with live reload",
        description="Build the site in memory and serve it on 127.0.0.1 with live reload: every save shows "
                    "in the browser at once, keeping your place; build errors show as an overlay. "
                    "Drafts are shown. public/ is never touched.",
        epilog="example: chalk serve --port 8001 --navigate")
    _source_flag(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1; other addresses expose your drafts)")
    parser.add_argument("-p", "--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--no-drafts", action="store_true", help="hide posts marked draft: true")
    parser.add_argument("--navigate", action="store_true",
                        help="when you save an article, open browsers go to its page (like Hugo's "
                             "--navigateToChanged)")
    parser.set_defaults(handler=cmd_serve)


def _add_check(commands: Any) -> None:
    parser = commands.add_parser(
        "check", help="find broken links, anchors, alt text and headings (writes nothing)",
        description="Load and render the site in memory and report, numbered, as path:line: message: links "
                    "to pages or files that do not exist, #anchors missing on their page, images and diagram "
                    "slots without alt text, skipped heading levels (errors, exit 1), and diagram slots still "
                    "awaiting a drawing (warnings; errors with --strict). No network unless --external.",
        epilog="example: chalk check --external")
    _common_build_flags(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--external", action="store_true",
                        help="also check external links (HEAD then GET, cached for a day in .chalk-cache/)")
    parser.set_defaults(handler=cmd_check)


DEPLOY_EPILOG = """\
examples:
  chalk deploy                       build, then push public/ to origin/gh-pages (GitHub Pages)
  chalk deploy --no-build --branch pages --message "Publish"
  chalk deploy --to /srv/www/blog    build, then copy public/ into a folder (rsync-style)

site.yaml (all keys optional; flags override them):
  deploy:
    remote: origin          # git remote to push to
    branch: gh-pages        # branch that receives the built site
    message: Deploy site    # commit message
    cname: blog.example.org # writes CNAME into the deployed branch (custom domain)

The writer's working tree, index and current branch are never touched; an
unchanged site makes no new commit.
"""


def _add_deploy(commands: Any) -> None:
    parser = commands.add_parser(
        "deploy", help="publish the site to a git branch (GitHub Pages) or a folder",
        description="Build the site, then commit public/ to a branch (gh-pages by default) and push it,\n"
                    "adding .nojekyll (and CNAME when deploy.cname is set). With --to DIR, copy the\n"
                    "site into a folder instead, writing only changed files and removing stale ones.",
        epilog=DEPLOY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _source_flag(parser)
    parser.add_argument("--no-build", action="store_true", help="deploy the output folder as it is, without building")
    parser.add_argument("--remote", metavar="R", help="git remote to push to (default: deploy.remote or origin)")
    parser.add_argument("--branch", metavar="B", help="branch to publish to (default: deploy.branch or gh-pages)")
    parser.add_argument("--message", metavar="M", help="commit message (default: deploy.message or 'Deploy site')")
    parser.add_argument("--to", type=Path, metavar="DIR",
                        help="copy the site into DIR instead of pushing (mounted or synced hosting)")
    parser.set_defaults(handler=cmd_deploy)


def _add_new(commands: Any) -> None:
    parser = commands.add_parser(
        "new", help="create a new draft post", description="Create content/posts/<slug>.md as a draft, "
        "with today's date. Refuses to overwrite an existing file.",
        epilog='example: chalk new "How diffusion models denoise"')
    parser.add_argument("title", help="the article's title; the file name is made from it")
    parser.add_argument("--page", action="store_true", help="create a plain page content/<slug>.md instead")
    parser.add_argument("-s", "--source", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder (default: the current folder)")
    parser.set_defaults(handler=cmd_new)


def _add_init(commands: Any) -> None:
    parser = commands.add_parser(
        "init", help="create a new site", description="Create a new, buildable site in DIR: site.yaml, a "
        "sample post and about page, and chalk's own templates and static files to adapt.",
        epilog="example: chalk init my-blog && cd my-blog && chalk build")
    parser.add_argument("directory", type=Path, help="folder to create (must be new or empty)")
    parser.add_argument("--title", default="My explainers", help="the site's title")
    parser.set_defaults(handler=cmd_init)


def _add_import(commands: Any) -> None:
    parser = commands.add_parser(
        "import", help="turn a Jekyll or Hugo site into a chalk site",
        description="Read the Jekyll or Hugo site in SRC (never changed) and write a chalk site into DEST "
                    "(new or empty): site.yaml, posts and pages with chalk front matter, assets, bodies converted. "
                    "What cannot be converted stays as an HTML comment and is listed as path:line: what (why); "
                    "the list is also written to DEST/import-report.txt.",
        epilog="example: chalk import ~/old-blog ~/new-blog && cd ~/new-blog && chalk build")
    parser.add_argument("src", type=Path, help="the old site's folder (holding _config.yml or hugo.toml)")
    parser.add_argument("dest", type=Path, help="folder for the chalk site (must be new or empty)")
    parser.add_argument("--from", dest="engine", choices=("jekyll", "hugo"),
                        help="the old site's generator (default: detected from its files)")
    parser.set_defaults(handler=cmd_import)


def cmd_build(args: argparse.Namespace, reporter: Reporter) -> int:
    options = BuildOptions(drafts=args.drafts, strict=args.strict, output=args.output, base_url=args.base_url,
                           jobs=args.jobs, cache=not args.no_cache, execute=not args.no_execute)
    start = time.perf_counter()
    try:
        done = build_or_replay(args.source, options)
    except BuildError as exc:
        reporter.failed(exc)
        return 1
    reporter.diagnostics(done.summary.warnings)
    reporter.slots(done.summary)
    reporter.built(done.output, done.summary, time.perf_counter() - start)
    return 0


def cmd_check(args: argparse.Namespace, reporter: Reporter) -> int:
    """Stages 1-5, every file in memory (nothing written), then the checks; --strict as in build."""
    from .builder import Builder, strict
    from .check import check_external, check_site, external_links, slot_warnings

    builder = Builder(args.source, BuildOptions(drafts=args.drafts, check=False, jobs=args.jobs,
                                                cache=not args.no_cache, search=False, keep_going=True,
                                                execute=not args.no_execute))
    try:
        loaded = builder.load()
        files = builder.outputs(loaded)
    except BuildError as exc:
        reporter.failed(exc, "Check")
        return 1
    found = Diagnostics([*loaded.diagnostics.items, *check_site(loaded.site, files, loaded.texts, slots=False)])
    if args.external:
        links = external_links(loaded.site, loaded.texts)
        found.extend(check_external(links, loaded.config.root / CACHE_DIR / "links.json", time.time()))
    found = strict(found, loaded.site) if args.strict else Diagnostics([*found.items, *slot_warnings(loaded.site)])
    reporter.checked(sorted(found.items, key=lambda d: (d.path, d.line or 0)),
                     len(loaded.site.posts) + len(loaded.site.pages))
    return 1 if found.errors else 0


def cmd_deploy(args: argparse.Namespace, reporter: Reporter) -> int:
    """``chalk deploy``: build (unless --no-build, or nothing changed), then push or copy; one summary line."""
    from .builder import output_dir
    from .config import load_config
    from .deploy import DeployError, deploy_git, deploy_to_dir, settings_for
    from .output import recover

    root: Path = args.source
    flags = {"remote": args.remote, "branch": args.branch, "message": args.message}
    if args.to is not None and any(v is not None for v in flags.values()):
        raise UsageError("--to copies into a folder; --remote, --branch and --message are for git deploys")
    try:
        diagnostics = Diagnostics()
        config = load_config(root, diagnostics)
        diagnostics.raise_if_errors()
        assert config is not None
        settings = settings_for(config, diagnostics, flags)
        diagnostics.raise_if_errors()
        assert settings is not None
        if args.no_build:
            reporter.diagnostics(diagnostics.warnings)  # (a build reports site.yaml's warnings itself)
            site_dir = output_dir(root, config, BuildOptions())
            recover(site_dir)  # a build interrupted mid-swap is completed before its output is published
            if not site_dir.is_dir():
                raise DeployError(f"{site_dir} does not exist; run `chalk build` first, or drop --no-build")
        else:
            done = build_or_replay(root, BuildOptions())
            reporter.diagnostics(done.summary.warnings)
            site_dir = done.output
    except BuildError as exc:
        reporter.failed(exc, "Deploy")
        return 1
    if args.to is not None:
        stats = deploy_to_dir(site_dir, args.to, root)
        reporter.copied(args.to, stats.written, stats.unchanged, stats.removed)
    else:
        reporter.say(deploy_git(site_dir, root, settings).summary())
    return 0


def cmd_serve(args: argparse.Namespace, reporter: Reporter) -> int:
    from .serve import run  # the server and watchdog load only when serving

    try:
        run(args.source.resolve(), args.host, args.port, drafts=not args.no_drafts, log=reporter.say,
            navigate=args.navigate)
    except KeyboardInterrupt:
        reporter.say("Stopped.")
    return 0


def cmd_new(args: argparse.Namespace, reporter: Reporter) -> int:
    from .scaffold import new_post

    path = new_post(args.source, args.title, date.today(), page=args.page)
    reporter.say(f"Created {path}")
    return 0


def cmd_init(args: argparse.Namespace, reporter: Reporter) -> int:
    from .scaffold import init_site

    init_site(args.directory, date.today(), title=args.title)
    reporter.say(f"Created a new site in {args.directory}. Next: cd {args.directory} && chalk build")
    return 0


def cmd_import(args: argparse.Namespace, reporter: Reporter) -> int:
    from .importer import import_site

    report = import_site(args.src, args.dest, args.engine)
    for line in report.lines():
        reporter.say(line)
    reporter.say(f"Next: cd {args.dest} && chalk build")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    reporter = Reporter()
    handler: Callable[[argparse.Namespace, Reporter], int] = args.handler
    collect = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return handler(args, reporter)
    except KeyboardInterrupt:
        reporter.problem("Stopped.")
        return 130
    except ChalkError as exc:
        reporter.problem(f"chalk: {exc}")
        return 1
    except OSError as exc:  # the last net: an operating-system failure is a path: message line
        reporter.problem(os_error_line(exc))
        return 1
    finally:
        gc.set_threshold(*collect)


def os_error_line(exc: OSError) -> str:
    """``path: message`` for an OSError (``chalk: message`` when it names no file)."""
    where = exc.filename if exc.filename is not None else "chalk"
    try:
        where = Path(where).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, TypeError):
        pass
    return f"{where}: {exc.strerror or exc}"


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The console script: :func:`main`, then :func:`exit_now` with its exit code."""
    exit_now(main(argv))


def exit_now(code: int) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, without freeing a build's million objects one
    by one first (a tenth of an edit's rebuild): output is flushed and atexit handlers run, and
    while another thread still runs, Python's own shutdown (which waits for it) is used."""
    if threading.active_count() > 1:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 120  # what Python exits with when it cannot flush its output
    atexit._run_exitfuncs()
    os._exit(code)


def build_script_main(argv: Sequence[str] | None = None) -> int:
    """``python build.py [COMMAND] [FLAGS]``: like ``chalk``, with ``build`` as the default command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] != "--version":
        argv.insert(0, "build")  # so `python build.py --help` is `chalk build --help`
    return main(argv)
