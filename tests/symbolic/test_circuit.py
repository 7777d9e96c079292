"""Tests of symbolic/tensor/circuit_graph.py: the graph, the exact forward pass and the sympy expansion."""

from fractions import Fraction as Fr
from itertools import product

import networkx as nx
import pytest
import sympy
from hypothesis import given, settings

from symbolic.tensor.circuit_graph import NODE_KINDS, circuit, expand, forward, forward_tensor, node_kinds
from symbolic.tensor.decompositions import grid_tensors
from symbolic.errors import DomainError, ShapeError
from symbolic.spec.network import deep, load_spec, shallow
from symbolic.spec.strategies import specs

# the example of spec-format.md
DEEP = load_spec({"architecture": "deep", "N": 4, "M": 2, "activation": "relu", "pooling": "max",
                  "weights": {"layers": [[[[1, -2], [0, 1]], [[1, 1], [2, -1]], [[-1, 3], [1, 0]], [[2, 2], [1, -1]]],
                                         [[[1, -1], [2, 1]], [["1/2", 1], [1, -3]]]],
                              "output": [[1, -1]]}})


class TestGraph:
    def test_shallow_counts(self):
        s = shallow(N=3, M=2, Z=2, Y=2, seed=0)
        G = circuit(s)
        assert node_kinds(G) == {"input": 3, "rep": 6, "conv": 6, "act": 6, "pool": 2, "output": 2}
        assert nx.is_directed_acyclic_graph(G)
        assert (G.graph["N"], G.graph["M"], G.graph["architecture"], G.graph["spec"]) == (3, 2, "shallow", s)

    def test_deep_counts(self):
        G = circuit(deep(N=4, M=2, widths=(3, 1), seed=0))
        assert node_kinds(G) == {"input": 4, "rep": 8, "conv": 14, "act": 14, "pool": 7, "output": 1}
        G9 = circuit(deep(N=9, M=2, window=3, widths=(2, 2), Y=3, seed=0))
        assert node_kinds(G9) == {"input": 9, "rep": 18, "conv": 18 + 6, "act": 24, "pool": 6 + 2, "output": 3}
        assert set(NODE_KINDS) == {G9.nodes[v]["kind"] for v in G9}

    def test_edges_carry_the_weights(self):
        s = deep(N=4, M=2, widths=(2, 2), patch_order=[2, 0, 3, 1], seed=4)
        G = circuit(s)
        # position k of layer 0 reads patch order[k] with the weights of position k
        for k in range(4):
            for c in range(2):
                preds = sorted(G.predecessors(("conv", 0, k, c)))
                assert preds == [("rep", 0, s.order[k], j) for j in range(2)]
                assert [G.edges[u, ("conv", 0, k, c)]["weight"] for u in preds] == list(s.layers[0][k][c])
        assert sorted(G.predecessors(("pool", 0, 1, 0))) == [("act", 0, 2, 0), ("act", 0, 3, 0)]
        assert [G.edges[("pool", 1, 0, c), ("output", 2, 0, 0)]["weight"] for c in range(2)] == list(s.output[0])
        assert G.nodes[("act", 1, 0, 1)]["activation"] == "linear" and G.nodes[("pool", 1, 0,
                                                                                1)]["pooling"] == "product"

    def test_shared_weights_repeat(self):
        s = shallow(N=3, M=2, Z=1, shared=True, seed=2)
        G = circuit(s)
        ws = [[G.edges[("rep", 0, k, j), ("conv", 0, k, 0)]["weight"] for j in range(2)] for k in range(3)]
        assert ws[0] == ws[1] == ws[2] == list(s.hidden[0])


class TestForward:
    def test_hand_computed_point(self):
        """Spec-format example at d = (0, 1, 1, 0): level 0 gives (1,0),(1,0),(3,0),(2,1) -> max (1,0),(3,1);
        level 1 gives (1,2),(5/2,0) -> max (5/2,2); output 5/2 - 2 = 1/2."""
        assert forward(circuit(DEEP), [(0, 1, 1, 0)]) == [[Fr(1, 2)]]

    def test_doc_example(self):
        s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
                    weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
        assert forward(circuit(s), [(0, 0), (1, 1), (0, 1)]) == [[6, 0, 3]]

    def test_average_and_F(self):
        s = shallow(N=2, M=2, Z=1, activation="abs", pooling="average", F=[[1, 1], [0, 2]],
                    weights={"hidden": [[[1, -1], [1, "1/2"]]], "output": [[2]]})
        # d = (1, 0): F[1] . (1, -1) = -2, F[0] . (1, 1/2) = 3/2 -> 2 * (2 + 3/2) / 2 = 7/2
        assert forward(circuit(s), [(1, 0)]) == [[Fr(7, 2)]]

    def test_several_outputs_and_points(self):
        s = deep(N=4, M=2, Y=3, seed=9, low=-5, high=5)
        pts = list(product(range(2), repeat=4))
        outs = forward(circuit(s), pts)
        assert len(outs) == 3 and all(len(o) == 16 for o in outs)
        T = grid_tensors(s)
        for y in range(3):
            assert outs[y] == list(T[y].entries())

    def test_empty_points(self):
        assert forward(circuit(DEEP), []) == [[]]

    def test_symbolic_weights(self):
        s = shallow(N=2, M=2, Z=1, weights="symbolic")
        (out,) = forward(circuit(s), [(0, 1)])
        a00, a11, o = sympy.symbols("a_0_0_0 a_0_1_1 o_0_0")
        assert sympy.expand(out[0]) == o * a00 * a11

    def test_errors(self):
        G = circuit(DEEP)
        with pytest.raises(ShapeError, match=r"template indices in 0\.\.1"):
            forward(G, [(0, 1, 2, 0)])
        with pytest.raises(ShapeError):
            forward(G, [(0, -1, 0, 0)])
        with pytest.raises(DomainError, match=r"output=1 is out of range: the network has Y=1 outputs"):
            forward_tensor(G, 1)
        H = G.copy()
        H.add_edge(("output", 2, 0, 0), ("rep", 0, 0, 0), weight=1)
        with pytest.raises(nx.NetworkXUnfeasible, match="cycle"):
            forward(H, [(0, 0, 0, 0)])


class TestExpand:
    def test_doc_example(self):
        s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
                    weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
        f00, f01, f10 = sympy.symbols("f_0_0 f_0_1 f_1_0")
        assert expand(circuit(s))[0] == 3 * sympy.Max(0, 2 * f10, f00 - f01)

    @settings(max_examples=15)
    @given(specs(max_entries=32, max_width=2, max_outputs=2))
    def test_expansion_agrees_with_forward(self, s):
        """Substituting f_i_j = F[d_i][j] into the expansion gives the forward pass, at every grid point."""
        G = circuit(s)
        exprs = expand(G)
        F = s.representation
        pts = list(product(range(s.M), repeat=s.N))[:8]
        outs = forward(G, pts)
        for p, point in enumerate(pts):
            sub = {sympy.Symbol(f"f_{i}_{j}"): sympy.Rational(Fr(F[point[i]][j])) for i in range(s.N)
                   for j in range(s.M)}
            at_point = expand(G, symbolic_inputs=False, point=point)
            for y in range(s.Y):
                assert exprs[y].xreplace(sub) == sympy.Rational(outs[y][p])
                assert at_point[y] == sympy.Rational(outs[y][p])


@settings(max_examples=30)
@given(specs(max_entries=256))
def test_forward_tensor_every_output(s):
    """The forward pass (node by node) and the decomposition (generalized products) agree for every output."""
    G = circuit(s)
    T = grid_tensors(s)
    for y in range(s.Y):
        F = forward_tensor(G, y)
        assert F == T[y]
        assert F.shape == (s.M,) * s.N
