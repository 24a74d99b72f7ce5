"""An ordered, bounded parallel map over batches of work.

Results come back in input order (so output bytes do not depend on the worker count), and
at most `max_pending` batches are in flight, so memory stays flat however large the input:
the reader waits for the writer instead of queueing the whole file.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Batches in flight per worker: enough to keep every worker busy while the main process
# writes, few enough that memory does not grow with the input.
PENDING_PER_WORKER = 4


def ordered_map(fn: Callable[[T], R], items: Iterable[T], *, workers: int,
                initializer: Callable[..., Any] | None = None, initargs: tuple = ()) -> Iterator[R]:
    """`map(fn, items)` in input order, over `workers` processes (in-process for 1).
    `initializer(*initargs)` sets up the process that runs `fn`: run here once when the
    workers are forked (they inherit what it built), else in each worker."""
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, items)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    if initializer is not None and ctx.get_start_method() == "fork":
        initializer(*initargs)  # once, here: forked workers inherit what it set up
        initializer, initargs = None, ()
    with ctx.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        limit = workers * PENDING_PER_WORKER
        for item in items:
            pending.append(pool.apply_async(fn, (item,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        import os
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, mp.cpu_count())
