"""The ``chalk`` command: build | serve | check | deploy | new | init | import.

Errors a writer can cause become ``path:line: message`` lines and exit code 1,
never a traceback. All printing happens here, not in the pipeline.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .cache import CACHE_DIR, record_up_to_date, up_to_date
from .deploy import add_parser as add_deploy_parser
from .errors import BuildError, ChalkError, Severity
from .report import Reporter

COMMANDS = ("build", "serve", "check", "deploy", "new", "init", "import")


def _common_build_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-s", "--source", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder, holding site.yaml (default: the current folder)")
    parser.add_argument("-D", "--drafts", action="store_true", help="include posts marked draft: true")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="worker processes for rendering Markdown (default: one per CPU core; 1: no workers)")
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

    build_parser = commands.add_parser(
        "build", help="render the site into public/",
        description="Render content/ through templates/ into the output folder (public/ by default). "
                    "Nothing is written unless the whole site builds.",
        epilog="example: chalk build --drafts --output /tmp/preview", formatter_class=argparse.RawTextHelpFormatter)
    _common_build_flags(build_parser)
    build_parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                              help="write here instead of site.yaml's output_dir (may lie outside the project)")
    build_parser.add_argument("--base-url", metavar="URL", help="override site.yaml's base_url for this build")
    build_parser.add_argument("--strict", action="store_true",
                              help="fail on warnings and on diagram slots that still await a drawing")
    build_parser.set_defaults(handler=cmd_build)

    serve_parser = commands.add_parser(
        "serve", help="preview the site with live reload",
        description="Build the site in memory and serve it on 127.0.0.1 with live reload: every save shows "
                    "in the browser at once, keeping your place; build errors show as an overlay. "
                    "Drafts are shown. public/ is never touched.",
        epilog="example: chalk serve --port 8001")
    serve_parser.add_argument("-s", "--source", type=Path, default=Path("."), metavar="DIR",
                              help="the site's folder, holding site.yaml (default: the current folder)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="address to listen on (default: 127.0.0.1; other addresses expose your drafts)")
    serve_parser.add_argument("-p", "--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve_parser.add_argument("--no-drafts", action="store_true", help="hide posts marked draft: true")
    serve_parser.set_defaults(handler=cmd_serve)

    check_parser = commands.add_parser(
        "check", help="find broken links, anchors, alt text and headings (writes nothing)",
        description="Load and render the site in memory and report, numbered, as path:line: message: links "
                    "to pages or files that do not exist, #anchors missing on their page, images and diagram "
                    "slots without alt text, skipped heading levels (errors, exit 1), and diagram slots still "
                    "awaiting a drawing (warnings; errors with --strict). No network unless --external.",
        epilog="example: chalk check --external")
    _common_build_flags(check_parser)
    check_parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_parser.add_argument("--external", action="store_true",
                              help="also check external links (HEAD then GET, cached for a day in .chalk-cache/)")
    check_parser.set_defaults(handler=cmd_check)

    add_deploy_parser(commands)

    new_parser = commands.add_parser(
        "new", help="create a new draft post", description="Create content/posts/<slug>.md as a draft, "
        "with today's date. Refuses to overwrite an existing file.",
        epilog='example: chalk new "How diffusion models denoise"')
    new_parser.add_argument("title", help="the article's title; the file name is made from it")
    new_parser.add_argument("--page", action="store_true", help="create a plain page content/<slug>.md instead")
    new_parser.add_argument("-s", "--source", type=Path, default=Path("."), metavar="DIR",
                            help="the site's folder (default: the current folder)")
    new_parser.set_defaults(handler=cmd_new)

    init_parser = commands.add_parser(
        "init", help="create a new site", description="Create a new, buildable site in DIR: site.yaml, a "
        "sample post and about page, and chalk's own templates and static files to adapt.",
        epilog="example: chalk init my-blog && cd my-blog && chalk build")
    init_parser.add_argument("directory", type=Path, help="folder to create (must be new or empty)")
    init_parser.add_argument("--title", default="My explainers", help="the site's title")
    init_parser.set_defaults(handler=cmd_init)

    import_parser = commands.add_parser(
        "import", help="turn a Jekyll or Hugo site into a chalk site",
        description="Read the Jekyll or Hugo site in SRC (never changed) and write a chalk site into DEST "
                    "(new or empty): site.yaml, posts and pages with chalk front matter, assets, bodies converted. "
                    "What cannot be converted stays as an HTML comment and is listed as path:line: what (why); "
                    "the list is also written to DEST/import-report.txt.",
        epilog="example: chalk import ~/old-blog ~/new-blog && cd ~/new-blog && chalk build")
    import_parser.add_argument("src", type=Path, help="the old site's folder (holding _config.yml or hugo.toml)")
    import_parser.add_argument("dest", type=Path, help="folder for the chalk site (must be new or empty)")
    import_parser.add_argument("--from", dest="engine", choices=("jekyll", "hugo"),
                               help="the old site's generator (default: detected from its files)")
    import_parser.set_defaults(handler=cmd_import)
    return parser


def cmd_build(args: argparse.Namespace, reporter: Reporter) -> int:
    from .pipeline import BuildOptions, build  # the heavy imports, only once there is work to do

    options = BuildOptions(drafts=args.drafts, strict=args.strict, output=args.output, base_url=args.base_url,
                           jobs=args.jobs, cache=not args.no_cache, execute=not args.no_execute)
    start = time.perf_counter()
    cache = args.source / CACHE_DIR
    key = repr((args.drafts, args.strict, args.output and args.output.resolve(), args.base_url, args.no_execute))
    replay = up_to_date(cache, args.source, key) if options.cache else None
    if replay is not None and _recovered(replay[0]):
        replay = None  # an interrupted write was just completed: build properly
    if replay is not None:  # no input and no output changed since the last build: nothing to do
        output, summary = replay
        summary = dataclasses.replace(summary, written=0, removed=0, up_to_date=True)
    else:
        try:
            result = build(args.source, options)
        except BuildError as exc:
            reporter.failed(exc)
            return 1
        output, summary = result.output, result.summary
        if options.cache:
            record_up_to_date(cache, args.source, output, key, summary)
    reporter.diagnostics(summary.warnings)
    reporter.slots(summary)
    reporter.built(output, summary, time.perf_counter() - start)
    return 0


def _recovered(output: Path) -> bool:
    """Complete a write a killed build left half done (see chalk.journal); True if there was one."""
    from .output import recover

    return recover(output)


def cmd_check(args: argparse.Namespace, reporter: Reporter) -> int:
    from .check import check_external, check_site, external_links
    from .pipeline import BuildOptions, Builder

    root = args.source
    builder = Builder(root, BuildOptions(drafts=args.drafts, check=False, jobs=args.jobs, cache=not args.no_cache,
                                         search=False, keep_going=True, execute=not args.no_execute))
    try:
        loaded = builder.load()
        files = builder.render(loaded)
    except BuildError as exc:
        reporter.failed(exc, "Check")
        return 1
    found = [*loaded.diagnostics.items, *check_site(loaded.site, files, loaded.texts)]
    if args.external:
        links = external_links(loaded.site, loaded.texts)
        found += check_external(links, loaded.config.root / CACHE_DIR / "links.json", time.time())
    if args.strict:
        found = [dataclasses.replace(d, severity=Severity.ERROR) for d in found]
    found.sort(key=lambda d: (d.path, d.line or 0))
    errors = [d for d in found if d.is_error]
    for number, item in enumerate(found, start=1):
        print(f"{number}. {item.format()}", file=reporter.err if item.is_error else reporter.out)
    pages = len(loaded.site.posts) + len(loaded.site.pages)
    print(f"Checked {pages} pages: {len(errors)} error{'s' * (len(errors) != 1)}, "
          f"{len(found) - len(errors)} warning{'s' * (len(found) - len(errors) != 1)}.", file=reporter.out)
    return 1 if errors else 0


def cmd_serve(args: argparse.Namespace, reporter: Reporter) -> int:
    from .serve import run  # the server and watchdog load only when serving

    def log(line: str) -> None:
        print(line, file=reporter.out, flush=True)

    try:
        run(args.source.resolve(), args.host, args.port, drafts=not args.no_drafts, log=log)
    except KeyboardInterrupt:
        log("Stopped.")
    return 0


def cmd_new(args: argparse.Namespace, reporter: Reporter) -> int:
    from .scaffold import new_post

    path = new_post(args.source, args.title, date.today(), page=args.page)
    print(f"Created {path}", file=reporter.out)
    return 0


def cmd_init(args: argparse.Namespace, reporter: Reporter) -> int:
    from .scaffold import init_site

    init_site(args.directory, date.today(), title=args.title)
    print(f"Created a new site in {args.directory}. Next: cd {args.directory} && chalk build", file=reporter.out)
    return 0


def cmd_import(args: argparse.Namespace, reporter: Reporter) -> int:
    from .importer import import_site

    report = import_site(args.src, args.dest, args.engine)
    for line in report.lines():
        print(line, file=reporter.out)
    print(f"Next: cd {args.dest} && chalk build", file=reporter.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    reporter = Reporter()
    handler: Callable[[argparse.Namespace, Reporter], int] = args.handler
    try:
        return handler(args, reporter)
    except KeyboardInterrupt:
        print("Stopped.", file=reporter.err)
        return 130
    except ChalkError as exc:
        print(f"chalk: {exc}", file=reporter.err)
        return 1
    except OSError as exc:  # the last net: an operating-system failure is a path: message line
        print(os_error_line(exc), file=reporter.err)
        return 1


def os_error_line(exc: OSError) -> str:
    """``path: message`` for an OSError (``chalk: message`` when it names no file)."""
    where = exc.filename if exc.filename is not None else "chalk"
    try:
        where = Path(where).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, TypeError):
        pass
    return f"{where}: {exc.strerror or exc}"


def build_script_main(argv: Sequence[str] | None = None) -> int:
    """``python build.py [COMMAND] [FLAGS]``: like ``chalk``, with ``build`` as the default command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] != "--version":
        argv.insert(0, "build")  # so `python build.py --help` is `chalk build --help`
    return main(argv)
