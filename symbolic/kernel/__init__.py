"""The trusted kernel: re-verifies convac's answers, statement first.

It imports nothing from convac's provers, engines, decompositions, rank, search, bounds or theorems/
(tests/test_layering.py and tests/kernel/test_kernel_size.py keep it so, and keep it small).  Input text
is parsed by a whitelist and never evaluated.

Reading order (each statement file opens with its proposition, its quantifier, the certificate kinds it
accepts, and why acceptance implies truth):

1. :mod:`~symbolic.kernel.recheck`: the entry point; the envelope, one result at a time: the statement is
   validated first (whatever the status), unproved results are listed apart, then the certificate.
2. :mod:`~symbolic.kernel.schema`: what every statement field may be (families, geometry N = w^L, patch
   orders, widths, rows, partitions, F); :mod:`~symbolic.kernel.generic`: the one "almost all weights"
   rule; :mod:`~symbolic.kernel.cost`: the estimate of every step, refused over the budget first.
3. The statement types, one file each: :mod:`~symbolic.kernel.rank`, :mod:`~symbolic.kernel.law`,
   :mod:`~symbolic.kernel.universality`, :mod:`~symbolic.kernel.rank_bound`, :mod:`~symbolic.kernel.depth`,
   :mod:`~symbolic.kernel.claim`.
4. What they rely on: :mod:`~symbolic.kernel.network` (the kernel's own spec reader and forward pass),
   :mod:`~symbolic.kernel.sources` (networks named by certificates, families, the zero test, the
   generalized decompositions), :mod:`~symbolic.kernel.witnesses` (witness ranks, factorizations, boxes),
   :mod:`~symbolic.kernel.linalg` (rank certificates: minors, factorizations, column spans; structural
   bounds), :mod:`~symbolic.kernel.multimodular_rank` (rank <= k: ranks modulo primes whose product exceeds
   Hadamard's bound on the (k+1)-minors), :mod:`~symbolic.kernel.blas_elimination` (rank modulo a prime below
   2^21 by float64 elimination on exact integers), :mod:`~symbolic.kernel.kronecker` (structured rank
   certificates of deep ConvACs, never forming A), :mod:`~symbolic.kernel.factorization` (ICLR 2017 upper
   bounds for all weights: a factorization over the pooling tree checked as an identity of polynomials),
   :mod:`~symbolic.kernel.arb_tensor` (forward passes in arb balls and determinants excluding 0, for tanh
   and sigmoid), :mod:`~symbolic.kernel.approximation` (Courant-Fischer lower bounds on the distance to
   low-rank tensors), :mod:`~symbolic.kernel.regions` (case-analysis identities),
   :mod:`~symbolic.kernel.intervals` (exact interval and arb enclosures), :mod:`~symbolic.kernel.symmetry`,
   :mod:`~symbolic.kernel.parse` (the whitelist JSON and expression reader), :mod:`~symbolic.kernel.failure`
   (the one way to reject).

The trusted base, and what the kernel relies on each for:

- Python: int and fractions.Fraction arithmetic (exact), json (parsing only, with hooks that refuse
  duplicate keys, non-finite numbers and invalid Unicode), dataclasses.
- python-flint: ``fmpz.is_prime`` (FLINT's proven primality test, for every certificate's prime), ``nmod_mat``
  determinants (a minor nonzero modulo a prime) and ranks (of ``nmod_mat(fmpz_mat, p)``, the reduction mod p of
  an integer matrix: the multimodular upper bound), ``fmpq_mat`` and ``fmpz_mat``
  products (exact factorizations and column spans), ``fmpz_mpoly`` arithmetic (polynomial identities in the
  weights), ``arb`` balls and ``arb_mat.det`` (enclosures of tanh, sigmoid and exp values, and determinants,
  that exclude 0; outward rounding).
- sympy (imported on first use, :mod:`~symbolic.kernel.lazy`): ``expand`` as the zero test of polynomial and
  rational expressions (after the cost estimate), ``Rational``, ``is_polynomial``/``is_rational_function`` (the
  quantifier rule),
  ``PermutationGroup`` (group order and membership); never ``sympify`` of text (strict mode only).
- numpy: object arrays of exact numbers and int64 residues modulo primes below 2^26 (no overflow:
  products of residues stay below 2^52 before reduction); float64 BLAS products in
  :mod:`~symbolic.kernel.blas_elimination` only on integers whose sums stay below 2^53 (exact, proof there).
- :mod:`symbolic.errors`: the exception classes.
"""
