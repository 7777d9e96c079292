"""Ranks of matricizations: [A]_I itself, exact rank by several routes, structural upper bounds, factor matrices
off the decompositions, structured (Kronecker) certificates and the certified pipeline behind ``convac rank``.
"""
