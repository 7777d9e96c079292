"""Tests of theorems/present/report.py: text tables, JSON, tensors as text, writable paths.

Second routes: tables are parsed back (aligned columns by their start offsets, markdown by its
separators, LaTeX by undoing the escapes) into the cells given; a small tensor's text is read
back into Fractions equal to its entries; a large one's nonzero count is counted by numpy.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction as Q

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import DomainError
from symbolic.spec.network import deep, shallow
from symbolic.tensor.grid import GridTensor
from theorems.present.report import validate_writable, dumps, render_tensor, table

cells = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="_&%#{}\\|-/ "),
                min_size=1, max_size=8).map(str.strip).filter(bool)


@given(st.integers(1, 4).flatmap(lambda k: st.tuples(st.lists(cells, min_size=k, max_size=k),
                                                     st.lists(st.lists(cells, min_size=k, max_size=k), max_size=4))))
def test_aligned_table_reads_back(hr):
    headers, rows = hr
    lines = table(rows, headers).splitlines()
    assert len(lines) == 2 + len(rows)
    widths = [len(d) for d in lines[1].split("  ")]  # the dashes line gives each column's width
    assert widths == [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    starts = [sum(widths[:i]) + 2 * i for i in range(len(headers))]
    for line, want in zip([lines[0]] + lines[2:], [headers] + rows):
        got = [line[s:s + w].strip() for s, w in zip(starts, widths)]
        assert got == want


@given(st.integers(1, 4).flatmap(lambda k: st.tuples(st.lists(cells, min_size=k, max_size=k),
                                                     st.lists(st.lists(cells, min_size=k, max_size=k), max_size=4))))
def test_markdown_and_latex_tables_read_back(hr):
    headers, rows = hr
    md = table(rows, headers, fmt="markdown").splitlines()
    assert md[1] == "|" + "|".join(["---"] * len(headers)) + "|"
    for line, want in zip(md[2:], rows):
        got = [c.replace("\\|", "|") for c in line[2:-2].replace("\\|", "\x00").split(" | ")]
        assert [c.replace("\x00", "|") for c in got] == want
    tex = table(rows, headers, fmt="latex").splitlines()
    assert tex[0] == "\\begin{tabular}{" + "l" * len(headers) + "}" and tex[-1] == "\\end{tabular}"

    def unescape(s):
        s = s.replace("\\textbackslash{}", "\x00")
        for ch in "_&%#{}":
            s = s.replace("\\" + ch, ch)
        return s.replace("\x00", "\\")

    for line, want in zip(tex[4:-2], rows):
        assert [unescape(c) for c in line[:-3].split(" & ")] == want


def test_dumps_is_json():
    obj = {"a": [1, 2], "q": Q(1, 3), "s": "x"}
    assert json.loads(dumps(obj)) == {"a": [1, 2], "q": "1/3", "s": "x"}


@pytest.mark.parametrize("spec, engine",
                         [(shallow(N=3, M=2, Z=1, seed=1, low=-5, high=5, denominators=(1, 3)), "exact"),
                                          (deep(N=4, M=2, seed=2, low=-5, high=5), "modular")])
def test_small_tensors_read_back(spec, engine):
    T = grid_tensor(spec, engine=engine)
    lines = render_tensor(T).splitlines()
    assert f"shape {T.shape}, {T.size:,} entries" in lines[0]
    if engine == "modular":
        assert f"residues modulo {T.modulus}" in lines[0]
    elif T.denominator != 1:
        assert f"common denominator {T.denominator}" in lines[0]
    body = lines[3:]
    assert len(body) == T.size
    for line, idx, v in zip(body, T.indices(), T.entries()):
        left, right = line.rsplit(maxsplit=1)
        assert left.strip() == str(idx) and Q(right) == Q(v)


def test_large_tensors_are_summarized():
    data = np.zeros((2,) * 8, dtype=object)
    data[0, 1, 0, 1, 0, 1, 0, 1] = 5
    data[1, 1, 1, 1, 1, 1, 1, 1] = -3
    T = GridTensor((2,) * 8, data, 2)
    text = render_tensor(T, limit=16)
    assert "nonzero entries: 2" in text and int(np.count_nonzero(data)) == 2
    assert "min -3/2, max 5/2" in text and "common denominator 2" in text
    assert "first entries (row-major): (0, 0, 0, 0, 0, 0, 0, 0): 0;" in text and "--json" in text


def test_check_writable(tmp_path):
    f = tmp_path / "out.json"
    assert validate_writable(str(f), "--save") == str(f)
    with pytest.raises(DomainError, match="is a folder"):
        validate_writable(str(tmp_path), "--save")
    with pytest.raises(DomainError, match="does not exist"):
        validate_writable(str(tmp_path / "no" / "x.json"), "--journal")
    if os.geteuid() != 0:  # root may write anywhere: the permission check means nothing there
        os.chmod(tmp_path, 0o500)
        try:
            with pytest.raises(DomainError, match="not writable"):
                validate_writable(str(tmp_path / "y.json"), "--save")
        finally:
            os.chmod(tmp_path, 0o700)
