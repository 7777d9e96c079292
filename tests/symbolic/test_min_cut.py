"""The min-cut bound by three routes: the prover's tree dynamic programme, a maximum flow and the kernel's own.

The ConvAC tensor network is a tree, so its least separating cut is found exactly, with integers, by dynamic
programming from the leaves up (``symbolic.rank.bounds._tree_min_cut`` and, with its own code,
``symbolic.kernel.linalg.min_cut_bound``).  The second route is a maximum flow (networkx preflow-push on log
capacities, ``symbolic.rank.bounds._flow_min_cut``), which holds for any graph.  On every drawn ConvAC (deep and
shallow, windows 2-4, patch orders, widths 1-5, shared or not) and partition, the three values agree, and the cut
the programme reports multiplies to its value and really separates I from J.
"""

import random

import networkx as nx
from hypothesis import HealthCheck, given, settings

from symbolic.kernel.linalg import min_cut_bound as kernel_min_cut_bound
from symbolic.kernel.network import read_net
from symbolic.rank.bounds import _flow_min_cut, _tensor_network, min_cut, min_cut_bound
from symbolic.rank.matricization import parse_partition
from symbolic.spec.network import deep, spec_to_dict
from symbolic.spec.strategies import specs
from symbolic.tensor.circuit_graph import circuit


def _partitions(N, seed):
    rng = random.Random(seed)
    return ["odd-even", "halves"] + [sorted(rng.sample(range(N), rng.randint(1, N - 1))) for _ in range(3)]


def _separates(members, bonds, copies, I, cut) -> bool:
    """No path from an I input to a J input once the cut bonds are removed and the cut copy tensors emptied."""
    cut_bonds = {(c[1], c[2]) for c in cut if c[0] == "bond"}
    cut_copies = {c[1] for c in cut if c[0] == "copy"}
    H = nx.Graph()
    H.add_nodes_from(g for g in members if g not in cut_copies)
    H.add_edges_from(b for b in bonds if b not in cut_bonds and not set(b) & cut_copies)
    inputs = [g for g in members if g[0] == "input"]
    for a in (g for g in inputs if g[1] in I):
        reach = nx.node_connected_component(H, a)
        if any(b in reach for b in inputs if b[1] not in I):
            return False
    return True


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs(activations="linear", poolings="product", N=(2, 3, 4, 8, 9, 16), M=(1, 2, 3, 4), max_width=5,
             max_entries=1 << 32, max_N=16, max_outputs=1))
def test_tree_programme_flow_and_kernel_agree(spec):
    G = circuit(spec)
    net = read_net(spec_to_dict(spec))
    members, bonds, copies = _tensor_network(G, 0)
    for P in _partitions(spec.N, spec.N * 7 + spec.M):
        I = set(parse_partition(P, spec.N))
        value, cut = min_cut(G, P)
        flow_value, _ = _flow_min_cut(members, bonds, copies, I, spec.N)
        assert value == flow_value == kernel_min_cut_bound(net, I) == min_cut_bound(G, P)
        product = 1
        for c in cut:
            product *= c[-1]
        assert product == value
        assert _separates(members, bonds, copies, I, cut)


def test_a_width_one_layer_is_the_cut():
    """Widths (8, 1, 8), M = 8: halves are separated by one bond of the width-1 layer (bound 1); odd-even needs,
    in each of the four size-2 blocks, a copy tensor or an input leg of dimension 8 (bound 8^4, full rank)."""
    s = deep(N=8, M=8, widths=(8, 1, 8), seed=0)
    G, net = circuit(s), read_net(spec_to_dict(s))
    for P, expected in (("halves", 1), ("odd-even", 8**4), ([0, 1, 4, 5], 1), ([0, 4], 8**2)):
        assert min_cut_bound(G, P) == expected == kernel_min_cut_bound(net, set(parse_partition(P, 8)))
