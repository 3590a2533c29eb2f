"""Rendering many pages on every core: shares of the work in forked children.

A forked child inherits the whole site model and the Jinja environment, so nothing
but the finished results is pickled (sent back over a pipe). Only where ``fork``
exists, and only from a process without other threads (``chalk build``, not the
preview server): :func:`forking_possible`. A child that fails for any reason has
its share done again in the parent: same bytes either way.

A child sends its results back a few at a time (:data:`PIECE`), so the parent never holds a
whole share's pickle beside the pages made of it (at 4,000 pages that was some 90 MB more at
the build's peak).
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
PIECE = 32  # results per message from a child


def forking_possible() -> bool:
    """Whether children can be forked safely: the fork start method, and no other thread running."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def in_forks(work: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[work(item) for item in items]``, with all shares but the last done in forked children."""
    size = -(-len(items) // jobs)
    shares = [items[start:start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    children = []
    for share in shares[:-1]:
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(work, share, writer), daemon=True)
        child.start()
        writer.close()
        children.append((child, reader, share))
    mine = [work(item) for item in shares[-1]]
    results: list[R] = []
    for child, reader, share in children:
        try:
            got = _receive(reader, len(share))
        finally:
            reader.close()
            child.join()
        results.extend(got if got is not None else [work(item) for item in share])
    return results + mine


def _receive(reader: Connection, count: int) -> list[Any] | None:
    """A child's ``count`` results, piece by piece; None if it failed or sent anything else."""
    got: list[Any] = []
    try:
        if reader.recv() != count:
            return None
        while len(got) < count:
            piece = reader.recv()
            if not isinstance(piece, list) or not piece:
                return None
            got.extend(piece)
    except (EOFError, OSError):
        return None
    return got if len(got) == count else None


def _child(work: Callable[[T], R], share: Sequence[T], writer: Connection) -> None:
    try:
        results: list[R] | None = [work(item) for item in share]
    except BaseException:  # the parent does this share itself
        results = None
    try:
        _send(writer, results)
    except Exception:  # results that cannot be sent: the parent redoes them all
        pass
    finally:
        writer.close()


def _send(writer: Connection, results: list[R] | None) -> None:
    """How many results there are (None: the share failed), then the results, PIECE at a time."""
    if results is None:
        writer.send(None)
        return
    writer.send(len(results))
    for start in range(0, len(results), PIECE):
        writer.send(results[start:start + PIECE])
