"""Rendering many pages on every core: shares of the work in forked children.

A forked child inherits the whole site model and the Jinja environment, so nothing
but the finished results is pickled (sent back over a pipe). Only where ``fork``
exists, and only from a process without other threads (``chalk build``, not the
preview server): :func:`forking_possible`. A child that fails for any reason has
its share done again in the parent: same bytes either way.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


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
        got = None
        try:
            got = reader.recv()
        except (EOFError, OSError):
            pass
        finally:
            reader.close()
            child.join()
        results.extend(got if isinstance(got, list) and len(got) == len(share) else [work(item) for item in share])
    return results + mine


def _child(work: Callable[[T], R], share: Sequence[T], writer: Connection) -> None:
    try:
        results: list[R] | None = [work(item) for item in share]
    except BaseException:  # the parent does this share itself
        results = None
    try:
        writer.send(results)
    except Exception:  # results that cannot be sent: the parent redoes them
        pass
    finally:
        writer.close()
