"""Fixtures shared by the tests."""

import pytest


@pytest.fixture(scope="session")
def zygote():
    """Real ``convac`` processes forked from one process that imported convac once (tests/forkserver.py)."""
    from tests.forkserver import Zygote

    with Zygote() as z:
        yield z
