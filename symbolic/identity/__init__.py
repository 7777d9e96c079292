"""Exact decision of identities of piecewise-linear and polynomial expressions, their case-analysis certificates,
and the laws of the activation-pooling operator decided with them.
"""
