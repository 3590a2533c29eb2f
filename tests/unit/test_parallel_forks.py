"""chalk.render.parallel: shares of work in forked children, results in order, failures redone."""

from __future__ import annotations

import os

import pytest

from chalk.render.parallel import PIECE, forking_possible, in_forks

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="needs the fork start method")


def test_results_come_back_in_order_and_children_did_their_share():
    parent = os.getpid()
    results = in_forks(lambda n: (n * n, os.getpid()), list(range(50)), 3)
    assert [square for square, _ in results] == [n * n for n in range(50)]
    pids = {pid for _, pid in results}
    assert parent in pids and len(pids) == 3  # two forked children and this process


def test_a_failing_child_has_its_share_redone_here():
    parent = os.getpid()

    def work(n: int) -> int:
        if os.getpid() != parent and n == 3:
            raise RuntimeError("only in the child")
        return n + 1

    assert in_forks(work, list(range(10)), 2) == list(range(1, 11))


def test_unsendable_results_are_redone_here():
    parent = os.getpid()
    results = in_forks(lambda n: (lambda: n) if os.getpid() != parent else n, list(range(6)), 2)
    assert results == list(range(6))  # a lambda cannot be pickled back: the parent made all of them


def test_a_share_of_many_pieces_comes_back_whole_and_in_order():
    parent = os.getpid()
    count = 5 * PIECE + 3
    results = in_forks(lambda n: (n, os.getpid()), list(range(count)), 2)
    assert [n for n, _ in results] == list(range(count))
    assert sum(pid != parent for _, pid in results) == -(-count // 2)  # the child's share, every piece of it


def test_a_share_that_cannot_be_sent_in_a_later_piece_is_redone_whole():
    parent = os.getpid()
    late = 3 * PIECE + 1  # in the child's fourth piece: three pieces were sent before it failed
    results = in_forks(lambda n: (lambda: n) if os.getpid() != parent and n == late else (n, os.getpid()),
                       list(range(8 * PIECE)), 2)
    assert [n for n, _ in results] == list(range(8 * PIECE))
    assert {pid for _, pid in results} == {parent}  # not half the child's pieces and half redone


def test_forking_is_refused_while_other_threads_run():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forking_possible()
    finally:
        stop.set()
        thread.join()
