"""Issue 16, items 9-11 (end to end): the preview server holds against hostile pages and clients.

The real ``chalk serve`` in a subprocess, spoken to over raw sockets on loopback:
a foreign ``Host`` (DNS rebinding) is refused, idle half-requests are dropped, the
number of connections held at once is capped, the listen backlog is large, and
requests the client aborts print nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import time

import pytest

from support.serving import http_request
from support.sites import post, write_files

SITE_YAML = "title: Serve test\nbase_url: https://example.org/\n"


@pytest.fixture
def site(tmp_path):
    return write_files(tmp_path / "site", {
        "content/posts/x.md": post("X", draft=True, body="Draft text only the writer may see.\n"),
        "static/big.bin": os.urandom(8 * 1024 * 1024),
    }, site_yaml=SITE_YAML)


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1", 200), ("localhost", 200), ("LOCALHOST", 200), ("[::1]", 200),
    ("evil.example", 403), ("127.0.0.1.evil.example", 403), ("localhost.evil.example", 403), ("", 403),
])
def test_only_loopback_host_names_are_answered(site, chalk_serve, host, status):
    server = chalk_serve(site)
    lines = [f"GET /posts/x/ HTTP/1.1", f"Host: {host}:{server.port}" if host else "Host:", "Connection: close"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    assert raw.split(b" ", 2)[1] == str(status).encode(), raw[:200]
    if status == 403:
        assert b"Draft text" not in raw


def test_the_host_given_with_host_is_answered(site, chalk_serve):
    server = chalk_serve(site, "--host", "127.0.0.1")
    assert http_request(server.port, "/posts/x/").status == 200
    assert http_request(server.port, "/posts/x/", headers={}).status == 200


def test_idle_half_requests_are_dropped(site, chalk_serve):
    server = chalk_serve(site)
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(b"GET /posts/x/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and then silence
        assert sock.recv(1024) == b""  # the server closed the connection (recv would time out otherwise)
    assert http_request(server.port, "/posts/x/").status == 200


def test_connections_held_at_once_are_capped_and_the_server_recovers(site, chalk_serve):
    server = chalk_serve(site)
    idle = []
    try:
        for _ in range(80):  # more than the cap: each sends half a request and goes silent
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            idle.append(sock)
        refused = 0
        for sock in idle[64:]:
            data = sock.recv(1024)
            refused += data.startswith(b"HTTP/1.1 503")
        assert refused == len(idle) - 64
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 15
    while True:  # the slots come free as the server notices the closed sockets
        response = http_request(server.port, "/posts/x/")
        if response.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert response.status == 200


def test_listen_backlog_is_large(site, chalk_serve):
    if shutil.which("ss") is None:
        if os.environ.get("CHALK_REQUIRE_FAULTS") == "1":
            pytest.fail("ss (iproute2) is needed to read the listen backlog (CHALK_REQUIRE_FAULTS=1)")
        pytest.skip("ss (iproute2) is needed to read the listen backlog")
    server = chalk_serve(site)
    out = subprocess.run(["ss", "-Hltn", f"sport = :{server.port}"], capture_output=True, text=True).stdout
    backlog = int(out.split()[2])  # State Recv-Q Send-Q: for a listening socket Send-Q is the backlog
    assert backlog >= 128, out


def test_aborted_requests_print_nothing(site, chalk_serve):
    server = chalk_serve(site)
    before = len(server.out) + len(server.err)
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
        sock.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        sock.recv(1024)  # the answer has started
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # reset, as a browser does when the reader navigates away
    assert http_request(server.port, "/posts/x/").status == 200
    time.sleep(1)  # let the server's threads finish writing into the reset sockets
    new = (server.out + server.err)[before:]
    assert "Traceback" not in "\n".join(server.err)
    assert new == [], new
    server.assert_clean_stop()
