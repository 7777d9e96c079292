"""The trusted kernel: re-verifies convac's answers, statement first.

It imports nothing from convac's provers, engines, decompositions, rank, search, bounds
or theorems/: only the standard library, numpy, sympy, python-flint, networkx and
:mod:`symbolic.errors`.  Input text is parsed by :mod:`symbolic.kernel.parse` (a
whitelist) and never evaluated.
"""
