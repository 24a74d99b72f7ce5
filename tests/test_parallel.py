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
