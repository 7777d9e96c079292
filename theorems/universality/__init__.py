"""Universality: the catalog's ``universality.*`` claims (:mod:`theorems.universality.claims`) and the general
decision behind ``convac check universality`` (:mod:`theorems.universality.decide`).
"""
