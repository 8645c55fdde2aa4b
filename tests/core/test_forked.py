"""core.forked: a generator run in a forked child, its items and its errors back in the caller."""

import multiprocessing
import os
import threading

import pytest

from maillage.core.forked import ChildError, can_fork, iterate_in_child

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


class Refused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def test_items_come_back_in_order_from_another_process():
    def produce():
        for number in range(2000):
            yield number, os.getpid()

    items = list(iterate_in_child(produce))
    assert [number for number, _pid in items] == list(range(2000))
    assert {pid for _number, pid in items} != {os.getpid()}
    assert len({pid for _number, pid in items}) == 1


def test_large_items_pass_the_pipe():
    big = ["x" * 1000] * 5000  # 5 MB: more than a pipe's buffer
    assert list(iterate_in_child(lambda: iter([big, big]))) == [big, big]


def test_the_childs_exception_is_raised_in_the_caller_after_its_items():
    def produce():
        yield 1
        yield 2
        raise Refused("line 3 cannot be read")

    received = []
    with pytest.raises(Refused) as error:
        for item in iterate_in_child(produce):
            received.append(item)
    assert received == [1, 2]
    assert error.value.message == "line 3 cannot be read"


def test_an_exception_that_cannot_be_pickled_comes_back_as_child_error():
    lock = threading.Lock()

    class Unpicklable(Exception):
        def __init__(self):
            super().__init__("with a lock")
            self.lock = lock

    def produce():
        yield 1
        raise Unpicklable

    with pytest.raises(ChildError, match="Unpicklable"):
        list(iterate_in_child(produce))


def test_stopping_early_stops_the_child(monkeypatch):
    terminated = []
    process = multiprocessing.get_context("fork").Process
    terminate = process.terminate

    def record_terminate(self):
        terminated.append(self.pid)
        terminate(self)

    monkeypatch.setattr(process, "terminate", record_terminate)

    def produce():
        number = 0
        while True:  # would never end on its own
            yield number
            number += 1

    items = iterate_in_child(produce)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()  # what a `break` or an exception in the caller's loop does
    # The child stopped by itself (its pipe broke), it did not have to be terminated.
    assert terminated == []
    assert multiprocessing.active_children() == []
