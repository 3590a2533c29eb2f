"""Digests that stay the same across processes (Python's own ``hash()`` does not): how a build
knows a text or a file it has seen before. Worked out once, where the text is made, and kept
with it (a source's body, a rendering's HTML), so later builds compare digests, not texts."""

from __future__ import annotations

import hashlib


def text_digest(text: str) -> bytes:
    """A digest of a text."""
    return hashlib.blake2b(b"s" + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def file_digest(data: bytes) -> bytes:
    """A digest of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()
