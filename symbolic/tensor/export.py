"""Export to TensorLy (``pip install 'convac[tensorly]'``), where the decomposition is an ordinary one.

With the linear activation and product pooling, g(a, b) = a * b, and the generalized CP decomposition of a
shallow net (eq. (4) of the ICML 2016 paper) is an ordinary CP decomposition:
A^y = sum_z a^y_z (F a^{z,0}) (x) ... (x) (F a^{z,N-1}), which :func:`to_cp_tensor` returns as a
``tensorly.cp_tensor.CPTensor`` with exact entries (object arrays of ints and ``Fraction`` s).

A deep net's generalized HT decomposition (eq. (5)) has no native TensorLy type (TensorLy has CP, Tucker
and tensor-train, not hierarchical Tucker); export its dense grid tensor instead, with
``GridTensor.to_numpy()`` or ``GridTensor.to_tensorly()``.  Other operators (ReLU, max pooling, ...) are
*generalized* decompositions, not ordinary ones, and are refused.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from symbolic.errors import DomainError

__all__ = ["to_cp_tensor"]


def to_cp_tensor(spec, output: int = 0):
    """The CP decomposition of a shallow linear/product net's grid tensor A^output, as TensorLy's type.

    Parameters
    ----------
    spec : Spec, or anything :func:`symbolic.spec.network.load_spec` reads
        A shallow net with the linear activation and product pooling, numeric weights.
    output : int
        The output y.

    Returns
    -------
    tensorly.cp_tensor.CPTensor
        ``(weights, factors)``: ``weights[z] = a^y_z`` and ``factors[i][d, z]`` the z-th hidden channel's
        value on template d at patch i; exact entries in object arrays.

    Raises
    ------
    ImportError
        When tensorly is not installed (the message names the extra ``convac[tensorly]``).
    symbolic.errors.DomainError
        For a deep net, another activation or pooling, or symbolic weights.

    Examples
    --------
    >>> from symbolic import shallow, grid_tensor
    >>> import tensorly as tl
    >>> s = shallow(N=3, M=2, Z=2, seed=0)
    >>> cp = to_cp_tensor(s)
    >>> len(cp.factors), cp.factors[0].shape
    (3, (2, 2))
    >>> bool((tl.cp_to_tensor(cp) == grid_tensor(s).to_numpy()).all())
    True
    """
    from symbolic.spec.network import Spec, load_spec
    from symbolic.tensor.grid import require_tensorly

    if not isinstance(spec, Spec):
        spec = load_spec(spec)
    if spec.architecture != "shallow":
        raise DomainError("a deep net's HT decomposition has no TensorLy type: export the dense grid tensor "
                          "with grid_tensor(spec).to_numpy() or .to_tensorly()")
    if spec.activation.spec_name != "linear" or spec.pooling.name != "product":
        raise DomainError(f"{spec.activation.spec_name}/{spec.pooling.name}: only linear/product nets have an "
                          "ordinary CP decomposition")
    if spec.is_symbolic:
        raise DomainError("symbolic weights: substitute numbers first")
    if not 0 <= output < len(spec.output):
        raise DomainError(f"output={output}: the net has {len(spec.output)} outputs")
    require_tensorly()
    from tensorly.cp_tensor import CPTensor

    F = spec.representation

    def exact(x):
        x = Fraction(x)
        return x.numerator if x.denominator == 1 else x

    factors = []
    for i in range(spec.N):
        U = np.empty((spec.M, spec.Z), dtype=object)
        for z in range(spec.Z):
            a = spec.hidden_vector(z, i)
            for d in range(spec.M):
                U[d, z] = exact(sum(Fraction(F[d][j]) * Fraction(a[j]) for j in range(spec.M)))
        factors.append(U)
    weights = np.array([exact(c) for c in spec.output[output]], dtype=object)
    return CPTensor((weights, factors))
