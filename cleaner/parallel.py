"""An ordered, bounded parallel map over batches of work.

Results come back in input order (so output bytes do not depend on the worker count), and
at most PENDING_PER_WORKER batches per worker are in flight, so memory stays flat however
large the input: the reader waits for the writer instead of queueing the whole file.

Where processes can be forked, the workers are forked processes fed through a pipe each,
by this process alone: it writes batches and reads results without blocking, in one
thread. multiprocessing.Pool does the same with two helper threads and queues between them,
and that hand-off costs this process 5-6 ms of CPU per MB passed (measured on 20 MB of
JSONL batches, against 0.9 ms here), CPU the workers need on a 2-core machine. Elsewhere
(no fork) the Pool is used.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import select
import signal
import struct
import traceback
from collections import deque
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Batches in flight per worker: enough to keep every worker busy while the main process
# writes, few enough that memory does not grow with the input.
PENDING_PER_WORKER = 4

# Batches handed to one worker at a time: the one it works on and the next, waiting in its
# pipe, so it never waits for this process between two.
QUEUED_PER_WORKER = 2

# Each pipe is widened to hold this much where the OS allows it (Linux: up to
# /proc/sys/fs/pipe-max-size, 1 MiB by default): a batch (a 1 MiB block, see jsonl.BLOCK_BYTES)
# then waits in the pipe whole, and a worker reads it without waiting for this process.
PIPE_BYTES = 1 << 20

# How long a worker may take to exit once its pipe is closed, before it is killed: it has
# finished its last batch by then, so it only has to see the end of the pipe.
STOP_WAIT_S = 5.0

_FRAME = struct.Struct("<Q")  # each message: its length, then its pickle
_READ_BYTES = 1 << 20


def ordered_map(fn: Callable[[T], R], items: Iterable[T], *, workers: int,
                initializer: Callable[..., Any] | None = None, initargs: tuple = ()) -> Iterator[R]:
    """`map(fn, items)` in input order, over `workers` processes (in-process for 1).
    `initializer(*initargs)` sets up the process that runs `fn`: run here once when the
    workers are forked (they inherit what it built), else in each worker. An exception that
    `fn` raises in a worker is raised here, at its item's turn."""
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, items)
        return
    if "fork" not in mp.get_all_start_methods():
        yield from _pool_map(fn, items, workers, initializer, initargs)
        return
    if initializer is not None:
        initializer(*initargs)  # once, here: forked workers inherit what it set up
    yield from _forked_map(fn, items, workers)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, mp.cpu_count())


def _pool_map(fn: Callable[[T], R], items: Iterable[T], workers: int,
              initializer: Callable[..., Any] | None, initargs: tuple) -> Iterator[R]:
    """ordered_map through multiprocessing.Pool, each worker running the initializer."""
    with mp.get_context().Pool(workers, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        limit = workers * PENDING_PER_WORKER
        for item in items:
            pending.append(pool.apply_async(fn, (item,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# --- forked workers ------------------------------------------------------------------------------

class WorkerError(RuntimeError):
    """A worker process died, or raised an exception that could not be sent back whole."""


class _CutShort(WorkerError):
    """The task pipe closed inside a batch: the main process stopped handing it over."""


class _Worker:
    """One forked process, the two pipe ends this process keeps, and what is on its way."""

    def __init__(self, fn: Callable, ctx: Any, keep_closed: list[int]):
        task_r, self.task_w = os.pipe()
        self.result_r, result_w = os.pipe()
        for fd in (self.task_w, self.result_r):
            _widen(fd)
        self.process = ctx.Process(target=_serve, args=(fn, task_r, result_w,
                                                         keep_closed + [self.task_w, self.result_r]),
                                   daemon=True)
        self.process.start()
        os.close(task_r)
        os.close(result_w)
        os.set_blocking(self.task_w, False)
        os.set_blocking(self.result_r, False)
        self.sending: deque[memoryview] = deque()  # frames not yet written, the first partly
        self.received = bytearray()  # bytes read, not yet a whole frame
        self.queued: deque[int] = deque()  # the sequence numbers handed over, oldest first

    def send(self, seq: int, payload: bytes) -> None:
        self.sending.append(memoryview(_FRAME.pack(len(payload)) + payload))
        self.queued.append(seq)

    def write(self) -> None:
        """Write what the pipe takes now."""
        while self.sending:
            head = self.sending[0]
            try:
                n = os.write(self.task_w, head)
            except BlockingIOError:
                return
            except BrokenPipeError:
                raise self.died() from None
            if n == len(head):
                self.sending.popleft()
            else:
                self.sending[0] = head[n:]
                return

    def read(self, done: dict[int, tuple[bool, Any]]) -> None:
        """Read what the pipe holds; each whole frame is the result of the oldest batch."""
        try:
            chunk = os.read(self.result_r, _READ_BYTES)
        except BlockingIOError:
            return
        if not chunk:
            raise self.died()
        self.received += chunk
        while len(self.received) >= _FRAME.size:
            (size,) = _FRAME.unpack_from(self.received)
            end = _FRAME.size + size
            if len(self.received) < end:
                return
            payload = bytes(memoryview(self.received)[_FRAME.size:end])
            del self.received[:end]
            done[self.queued.popleft()] = pickle.loads(payload)

    def died(self) -> WorkerError:
        self.process.join(1.0)
        return WorkerError(f"worker process {self.process.pid} exited unexpectedly "
                           f"(exit code {self.process.exitcode})")

    def stop(self, *, now: bool) -> None:
        """Close the pipes (an idle worker then exits); with `now`, do not wait for the batch
        it may be working on."""
        for fd in (self.task_w, self.result_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if now and self.process.is_alive():
            self.process.terminate()
        self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _forked_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    ctx = mp.get_context("fork")
    pool: list[_Worker] = []
    finished = False
    try:
        for _ in range(workers):
            # a worker closes the ends of the pipes of the workers forked before it (they
            # would keep a pipe open after this process closes it)
            pool.append(_Worker(fn, ctx, [fd for w in pool for fd in (w.task_w, w.result_r)]))
        by_fd = {fd: (w, fd == w.task_w) for w in pool for fd in (w.task_w, w.result_r)}
        poller = select.poll()
        source = iter(items)
        more = True
        handed = 0  # sequence number of the next item
        turn = 0  # sequence number of the next result to yield
        done: dict[int, tuple[bool, Any]] = {}
        limit = workers * PENDING_PER_WORKER
        while True:
            while more and handed - turn < limit:
                w = min(pool, key=lambda w: len(w.queued))
                if len(w.queued) >= QUEUED_PER_WORKER:
                    break
                item = next(source, _END)
                if item is _END:
                    more = False
                    break
                w.send(handed, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
                w.write()
                handed += 1
            if turn in done:
                ok, value = done.pop(turn)
                turn += 1
                if not ok:
                    raise value
                yield value
                continue
            if not more and turn == handed:
                finished = True
                return
            for w in pool:  # poll, not select: no limit on the descriptors' numbers
                poller.register(w.result_r, select.POLLIN if w.queued else 0)
                poller.register(w.task_w, select.POLLOUT if w.sending else 0)
            for fd, _ in poller.poll():
                w, writes = by_fd[fd]
                if writes:
                    w.write()
                else:
                    w.read(done)
    finally:
        for w in pool:
            w.stop(now=not finished)


_END = object()


def _widen(fd: int) -> None:
    try:
        import fcntl
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or over the system's limit: the default size works, a little slower


def _serve(fn: Callable, task_r: int, result_w: int, close: list[int]) -> None:
    """A worker: read a batch, run `fn` on it, write back (True, result) or (False, the
    exception with the worker's traceback as a note); until the task pipe closes.

    Ctrl-C is the main process's to handle (it stops the workers): a worker ignores SIGINT,
    so an interrupted run prints no traceback per worker. A worker whose main process is
    gone (its result pipe closed), or stopped it while handing over a batch (the task pipe
    closed inside it), just ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in close:
        os.close(fd)
    try:
        _serve_batches(fn, task_r, result_w)
    except (BrokenPipeError, _CutShort):
        pass


def _serve_batches(fn: Callable, task_r: int, result_w: int) -> None:
    while (payload := _read_frame(task_r)) is not None:
        try:
            out = (True, fn(pickle.loads(payload)))
        except Exception as exc:  # noqa: BLE001 - sent back and raised at its item's turn
            out = (False, _portable(exc))
        try:
            data = pickle.dumps(out, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled
            data = pickle.dumps((False, _portable(exc)), pickle.HIGHEST_PROTOCOL)
        _write_all(result_w, _FRAME.pack(len(data)) + data)


def _portable(exc: Exception) -> Exception:
    """The exception, with the worker's traceback in its notes, if it can be pickled; else a
    WorkerError that says what it was."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001
        exc = WorkerError(f"{type(exc).__name__}: {exc}")
    if hasattr(exc, "add_note"):
        exc.add_note(f"in a worker process:\n{text}")
    return exc


def _read_frame(fd: int) -> bytes | None:
    head = _read_exactly(fd, _FRAME.size)
    if head is None:
        return None
    (size,) = _FRAME.unpack(head)
    body = _read_exactly(fd, size)
    if body is None:
        raise _CutShort("the task pipe closed inside a batch")
    return body


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, got = [], 0
    while got < size:
        chunk = os.read(fd, min(size - got, _READ_BYTES))
        if not chunk:
            return None
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
