"""The ordered parallel map that the JSONL and batch paths run their workers through."""
from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from cleaner.parallel import ordered_map

_STATE: dict[str, int] = {}
_SET_UP: list[int] = []  # the processes the initializer ran in


def _set_up(offset: int) -> None:
    _STATE["offset"] = offset
    _SET_UP.append(os.getpid())


def _work(x: int) -> tuple[int, int]:
    return x + _STATE["offset"], os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_back_in_input_order_with_the_workers_set_up(workers):
    _STATE.clear()
    _SET_UP.clear()
    got = list(ordered_map(_work, range(40), workers=workers, initializer=_set_up, initargs=(100,)))
    assert [value for value, _ in got] == list(range(100, 140))
    if workers == 1:
        assert {pid for _, pid in got} == {os.getpid()} and _SET_UP == [os.getpid()]


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_forked_workers_inherit_what_the_initializer_set_up_once():
    """With fork, the initializer runs once, in this process, before the workers start: they
    inherit its state instead of each building their own (a Cleaner's packs and caches)."""
    _STATE.clear()
    _SET_UP.clear()
    got = list(ordered_map(_work, range(40), workers=2, initializer=_set_up, initargs=(7,)))
    assert [value for value, _ in got] == list(range(7, 47))
    assert _SET_UP == [os.getpid()]  # here, once
    assert os.getpid() not in {pid for _, pid in got}  # the work ran in the workers


def _fails_at(x: int) -> int:
    if x == 5:
        raise ValueError(f"no {x}")
    return x


def _unpicklable_failure(x: int) -> int:
    class Local(Exception):  # a class pickle cannot find by name
        pass
    raise Local("local")


def _dies(x: int) -> int:
    if x == 3:
        os._exit(7)
    return x


def _echo(data: bytes) -> bytes:
    return data[::-1]


def _slow(x: int) -> int:
    import time
    time.sleep(0.05)
    return x


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_workers_exception_is_raised_at_its_items_turn_after_the_results_before_it():
    got = []
    with pytest.raises(ValueError, match="no 5") as caught:
        for value in ordered_map(_fails_at, range(20), workers=2):
            got.append(value)
    assert got == [0, 1, 2, 3, 4]
    if hasattr(caught.value, "__notes__"):  # Python 3.11+: the worker's traceback comes along
        assert any("in a worker process" in n and "_fails_at" in n for n in caught.value.__notes__)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_an_exception_that_cannot_be_pickled_arrives_as_a_worker_error_naming_it():
    from cleaner.parallel import WorkerError
    with pytest.raises(WorkerError, match="Local: local"):
        list(ordered_map(_unpicklable_failure, range(4), workers=2))


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_a_worker_that_dies_is_an_error_with_its_exit_code_not_a_hang():
    from cleaner.parallel import WorkerError
    with pytest.raises(WorkerError, match="exit code 7"):
        list(ordered_map(_dies, range(20), workers=2))
    assert mp.active_children() == []


def test_items_and_results_larger_than_a_pipe_pass_whole():
    """Batches bigger than a pipe holds are written and read in pieces."""
    items = [bytes([k]) * (3 << 20) + bytes(range(256)) for k in range(5)]
    assert list(ordered_map(_echo, items, workers=2)) == [x[::-1] for x in items]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_stopping_early_ends_the_workers_and_closes_the_pipes():
    """A consumer that stops (as the JSONL run does at a bad record) leaves no worker
    process and no open pipe behind, however much work was still queued."""
    before = _open_fds()
    results = ordered_map(_slow, range(100), workers=2)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    results.close()
    assert mp.active_children() == []
    assert _open_fds() == before
    assert mp.active_children() == [] and _open_fds() == before


def _work_plain(x: int) -> int:
    return x


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_at_the_end_each_worker_exits_by_itself_when_its_pipe_closes(monkeypatch):
    """Not killed: every worker sees the end of its own pipe, so none holds another's open."""
    from cleaner import parallel
    codes = []
    stop = parallel._Worker.stop

    def recording_stop(self, *, now):
        stop(self, now=now)
        codes.append((now, self.process.exitcode))

    monkeypatch.setattr(parallel._Worker, "stop", recording_stop)
    monkeypatch.setattr(parallel, "STOP_WAIT_S", 0.5)  # a worker left waiting is killed sooner
    assert list(ordered_map(_work_plain, range(10), workers=3)) == list(range(10))
    assert codes == [(False, 0)] * 3


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_ctrl_c_is_for_the_main_process_workers_go_on():
    """A terminal's Ctrl-C reaches every process of the group: the workers ignore it (the
    main process stops them), so none dies with a traceback of its own."""
    import signal

    results = ordered_map(_slow, range(12), workers=2)
    got = [next(results)]
    for child in mp.active_children():
        os.kill(child.pid, signal.SIGINT)
    got += list(results)
    assert got == list(range(12))


def test_where_there_is_no_fork_the_pool_gives_the_same_ordered_results():
    """The fallback for platforms without fork: each worker runs the initializer itself
    (nothing was set up here: without it, the work would find no offset)."""
    from cleaner.parallel import _pool_map

    _STATE.clear()
    _SET_UP.clear()
    got = list(_pool_map(_work, range(40), 2, _set_up, (3,)))
    assert [value for value, _ in got] == list(range(3, 43))
    assert os.getpid() not in {pid for _, pid in got}


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="forked workers only")
def test_pipes_numbered_past_1024_are_waited_on_too():
    """A process with many files open (select() stops at descriptor 1023) still runs its
    workers."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1200
    if hard != resource.RLIM_INFINITY and hard < want:
        pytest.skip("cannot open enough files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want) if soft != resource.RLIM_INFINITY else soft, hard))
    held = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        assert list(ordered_map(_work_plain, range(10), workers=2)) == list(range(10))
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
