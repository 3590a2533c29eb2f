"""Digests that stay the same across processes (Python's own ``hash()`` does not): how a build
knows a text or a file it has seen before. Worked out once, where the text is made, and kept
with it (a source's body, a rendering's HTML), so later builds compare digests, not texts."""

from __future__ import annotations

import hashlib
from pathlib import Path


def text_digest(text: str) -> bytes:
    """A digest of a text."""
    return hashlib.blake2b(b"s" + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def file_digest(data: bytes) -> bytes:
    """A digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def holds(path: Path, digest: bytes) -> bool:
    """Whether the file at ``path`` has this :func:`file_digest` (False if it cannot be read, or
    for an empty ``digest``: nothing known)."""
    if not digest:
        return False
    try:
        return file_digest(path.read_bytes()) == digest
    except OSError:
        return False
