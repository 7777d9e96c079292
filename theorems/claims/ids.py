"""The catalog's claim ids and instance sizes, importable without the claims (for ``--help`` and argument checks).

:mod:`theorems.claims.catalog` builds its claims in this order; tests/theorems/test_catalog.py keeps the two equal.

>>> CLAIM_IDS[0], SIZES
('laws', ('small', 'medium', 'large'))
"""

SIZES = ("small", "medium", "large")

CLAIM_IDS = ("laws", "equivalence.shallow", "equivalence.deep", "equivalence.average", "universality.convac",
             "universality.relu_max", "universality.relu_avg", "sharing", "depth.convac.shallow_bound",
             "depth.convac.generic", "depth.relu_max.term_bound", "depth.relu_max.exists",
             "depth.relu_max.incomplete", "geometry")
