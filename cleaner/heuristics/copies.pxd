# What Cython compiles cleaner/heuristics/copies.py with, besides its own annotations (Python
# does not read this file): the C API that reads a str's code points where they are stored,
# as ord(key[j]) (the interpreted path) reads them one call at a time.
cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    unsigned int PyUnicode_READ(int kind, void *data, Py_ssize_t index)  # a code point, as a number
