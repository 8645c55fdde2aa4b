"""Run a generator in a forked child process, so that its work runs beside the caller's.

A large import has two halves that each keep a core busy: reading and checking a file (pure
Python, no database) and writing to the database. `iterate_in_child(produce)` runs `produce()`
in a child process made with `fork` (it inherits everything already loaded, nothing is
re-imported) and yields what it yields, as it comes, through a pipe: the caller writes chunk n
while the child reads chunk n + 1. A full pipe holds the child back, so memory stays bounded.

The child must not touch the database (it shares the caller's connections) and gives back what
it yields by pickling. An exception raised in the child is raised again in the caller (the
same exception when it can be pickled, else a `ChildError` with the child's traceback). When the
caller stops early (an exception, `break`), the child is stopped.

Forking is only safe from a single-threaded process (a management command), since the child
holds only the forking thread: callers decide when to use it, and `can_fork()` says whether the
platform has `fork` at all.
"""

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_ITEM, _END, _ERROR = "item", "end", "error"


class ChildError(RuntimeError):
    """The child failed with an exception that could not be sent back as it was."""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def iterate_in_child(produce: Callable[[], Iterable[T]]) -> Iterator[T]:
    """Yield the items of `produce()`, computed in a forked child process."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(produce, sending, receiving), daemon=True)
    child.start()
    sending.close()
    try:
        while True:
            kind, payload = receiving.recv()
            if kind == _ITEM:
                yield payload
            elif kind == _ERROR:
                raise payload
            else:
                return
    finally:
        receiving.close()  # a child still sending gets a broken pipe and stops
        child.join(timeout=5)
        if child.is_alive():
            child.terminate()
            child.join()


def _produce(produce: Callable[[], Iterable], sending, receiving) -> None:
    """The child's work: send each item, then the end or the exception."""
    receiving.close()  # the caller's end: once the caller closes it, sending breaks
    try:
        for item in produce():
            sending.send((_ITEM, item))
        sending.send((_END, None))
    except BrokenPipeError:
        pass  # the caller stopped listening
    except BaseException as error:  # everything goes back to the caller
        try:
            sending.send((_ERROR, error))
        except BrokenPipeError:
            pass
        except Exception:  # an exception that does not pickle
            sending.send((_ERROR, ChildError(traceback.format_exc())))
    finally:
        sending.close()
