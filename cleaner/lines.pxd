# What Cython compiles cleaner/lines.py with, besides its own annotations (Python does not
# read this file): the C API that makes a named tuple in one allocation, as tuple.__new__
# (the interpreted path) makes it in two.
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM

cdef extern from "Python.h":
    object PyType_GenericAlloc(type kind, Py_ssize_t items)
    void PyObject_GC_UnTrack(object record)
