"""Counterexample search: the search itself (:mod:`theorems.search.counterexample`), its seeded shards, the polishing
pass, the whitelist parser of bound expressions and the ``rank-bound`` answer.
"""
