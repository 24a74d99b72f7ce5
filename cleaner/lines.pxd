# What Cython compiles cleaner/lines.py with, besides its own annotations (Python does not
# read this file): the C API that makes a named tuple in one allocation, as tuple.__new__
# (the interpreted path) makes it in two, and a text at its size with lines copied into it,
# as a join (the interpreted path) makes it from a list of them.
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_SET_ITEM

cdef extern from "Python.h":
    object PyType_GenericAlloc(type kind, Py_ssize_t items)
    void PyObject_GC_UnTrack(object record)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 widest)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object text)
    Py_ssize_t PyUnicode_CopyCharacters(object to, Py_ssize_t at, object source, Py_ssize_t start,
                                        Py_ssize_t size) except -1
