"""The one compiled part, cleaner/_native.c (see cleaner/native.py), built when a C
compiler is present; without one the install goes on and the same results come from Python."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("cleaner._native", ["cleaner/_native.c"], optional=True)])
