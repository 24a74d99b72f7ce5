"""What is compiled, where a C compiler is found; without one the install goes on and the
same results come from Python, slower.

- The modules in COMPILED are Python that Cython compiles from their own source (Cython is a
  build requirement): the interpreted module is the reference, the compiled one the fast path,
  one source for both (their annotations and `cython.*` calls type them for C).
- cleaner/_native.c measures lines, splits them and folds keys (data, not decisions; see
  cleaner/native.py)."""
from setuptools import Extension, setup

# The modules Cython compiles from their own source, one line each (tests/test_compiled.py
# reads this list and holds each compiled module to its source run as Python).
COMPILED = [
    "cleaner/tidy.py",  # the blank lines that framed removed text
    "cleaner/heuristics/classes.py",  # each line's layout class and weight; the body span
    "cleaner/heuristics/capitals.py",  # the letter counts of the all-capitals heuristic
    "cleaner/heuristics/copies.py",  # the second-copy walk
    "cleaner/lines.py",  # lines in (split) and out (kept lines, the cleaned text, decisions, families)
    "cleaner/scanned.py",  # the bytes the scanner matches
]

ext_modules = [Extension("cleaner._native", ["cleaner/_native.c"], optional=True)]
try:
    from Cython.Build import cythonize
except ImportError:  # no Cython (an install that skipped the build requirements): plain Python
    pass
else:
    # Indices are checked where they come from outside (a line index, a key of `removed`); inside
    # the loops they are in range by construction, so C does not check them again.
    directives = {"binding": True, "boundscheck": False, "wraparound": False}
    for ext in cythonize(COMPILED, language_level=3, quiet=True, compiler_directives=directives):
        ext.optional = True  # no C compiler: plain Python again
        ext_modules.append(ext)

setup(ext_modules=ext_modules)
