"""The kernel's refusals for size name the flag and the value that lifts them, and that value does lift them
(issue 23: `convac verify --size large` reported 'convac recheck --max-entries raises it' for a limit the flag
did not change)."""

import re

import pytest

from symbolic.errors import TooLarge
from symbolic.kernel import cost


def _lift(step, budget):
    """Run ``step`` under ``budget``; it must be refused; rerun it under the budget its message names."""
    with cost.budget(budget), pytest.raises(TooLarge) as e:
        step()
    m = re.search(r"\((--max-entries|--max-memory) (\S+) lifts it\)", str(e.value))
    assert m, str(e.value)
    flag, value = m.groups()
    lifted = (cost.Budget(memory=budget.memory, entries=cost.parse_count(value)) if flag == "--max-entries" else
              cost.Budget(memory=cost.parse_size(value), entries=budget.entries))
    with cost.budget(lifted):
        step()  # no TooLarge
    return flag, value


def test_grid_points_name_the_power_of_two():
    flag, value = _lift(lambda: cost.grid_points(2, 26, 1, "modular"), cost.Budget(memory=1 << 34, entries=1 << 20))
    assert (flag, value) == ("--max-entries", "2^26")


def test_memory_names_whole_gib():
    flag, value = _lift(lambda: cost.grid_points(3, 16, 1, "modular"), cost.Budget(memory=1 << 28, entries=1 << 26))
    assert flag == "--max-memory" and cost.parse_size(value) >= 24 * 3 ** 16


def test_word_operations_of_the_exact_forward_pass_scale_with_max_entries():
    """N=16, M=3 with 713-bit entries (depth.convac.generic's witness): refused at 2^26 entries for its word
    operations, a limit that was 2^36 whatever the flag said; the named value of --max-entries lifts it."""
    step = lambda: cost.grid_points(3, 16, 1, "exact", bits=713, weights=300)  # noqa: E731
    with cost.budget(cost.Budget(memory=1 << 40, entries=1 << 26)), pytest.raises(TooLarge, match="word operations"):
        step()
    flag, value = _lift(step, cost.Budget(memory=1 << 40, entries=1 << 26))
    assert flag == "--max-entries" and cost.parse_count(value) > 1 << 26


def test_work_and_expansion():
    _lift(lambda: cost.work(1 << 40, "a product"), cost.Budget())
    import sympy

    a = sympy.symbols("a0:6")
    _lift(lambda: cost.expansion(sum(a) ** 12), cost.Budget(entries=1 << 12))
