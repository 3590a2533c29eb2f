"""Real tools a test needs (Chromium, nginx, a free port): skipped when missing locally,
a failure when CI says the tool must be there (``CHALK_REQUIRE_BROWSER=1``, ``CHALK_REQUIRE_SERVER=1``)."""

from __future__ import annotations

import os
import shutil
import socket

import pytest


def require_tool(what: str, found: str | None, env_var: str, install: str) -> str:
    if found:
        return found
    message = f"{what} not installed: {install}"
    if os.environ.get(env_var) == "1":
        pytest.fail(f"{message} ({env_var}=1, so this is required)")
    pytest.skip(message)


def require_chromium() -> str:
    """The path of a Chromium binary; skips the test if there is none, or fails when CHALK_REQUIRE_BROWSER=1."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.access("/usr/bin/chromium", os.X_OK):
        found = "/usr/bin/chromium"
    return require_tool("chromium", found, "CHALK_REQUIRE_BROWSER", "apt-get install chromium")


def require_nginx() -> str:
    """The path of nginx; skips the test if there is none, or fails when CHALK_REQUIRE_SERVER=1."""
    found = shutil.which("nginx")
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if not found and os.access(candidate, os.X_OK):
            found = candidate
    return require_tool("nginx", found, "CHALK_REQUIRE_SERVER", "apt-get install nginx-light")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago (bind to port 0 and ask the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        return sock.getsockname()[1]


def require_cite() -> None:
    """Skip unless the cite extra (bibtexparser, Pandoc) is installed, or fail under CHALK_REQUIRE_CITE=1."""
    from chalk.bibliography import CITE_EXTRA, extra_missing

    require_tool("the cite extra", None if extra_missing() else "installed", "CHALK_REQUIRE_CITE", CITE_EXTRA)
