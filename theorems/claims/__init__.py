"""The claim catalog and the claims that are neither depth nor universality: equivalence, laws, sharing,
geometry, the deliberately false variants, and the verdict type every claim returns.
"""
