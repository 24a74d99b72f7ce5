"""What the compiled modules' sources need of the `cython` module when Cython is not
installed (it is a build requirement only): decorators that do nothing, `cast` and `declare`
that hand back their value, so each module runs as the plain Python it is.

The modules that Cython compiles (see setup.py) are ordinary Python whose annotations and
`cython.*` calls give C types when compiled and mean nothing when interpreted: one source is
both the reference and the fast path."""
from __future__ import annotations

from typing import Any


def _decorator(*args: Any, **kwargs: Any) -> Any:
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


boundscheck = wraparound = cdivision = locals = final = ccall = cfunc = inline = exceptval = _decorator
compiled = False


def cast(_type: Any, value: Any, typecheck: bool = False) -> Any:
    return value


def declare(_type: Any = None, value: Any = None, **_: Any) -> Any:
    return value


class _Type:
    """A C type name (cython.Py_ssize_t, cython.uchar[:]): only ever read in annotations,
    which Python does not evaluate here (`from __future__ import annotations`)."""

    def __getitem__(self, _: Any) -> "_Type":
        return self

    def __call__(self, value: Any = None) -> Any:
        return value


Py_ssize_t = Py_UCS4 = bint = uchar = p_uchar = p_void = longlong = ulonglong = double = int_ = int = void = _Type()
