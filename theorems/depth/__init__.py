"""Depth efficiency (COLT 2016, ICML 2016): the catalog's ``depth.*`` claims (:mod:`theorems.depth.claims`), the
decision for any activation-pooling pair behind ``convac check depth`` (:mod:`theorems.depth.decide`), the open boxes
where depth efficiency is lost (:mod:`theorems.depth.boxes`) and the certificates beyond a witness and a box
(:mod:`theorems.depth.certificates`).
"""
