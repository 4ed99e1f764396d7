"""The machinery of the checks: safe calls, clear failures, named mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.checks import CheckFailed
from coursekit.checks._core import Checker, Mistake, show


def _double(x):
    return 2 * x


def test_a_passing_battery_prints_one_line(capsys):
    c = Checker("double", _double, ("x",))
    c.case((3.0,), 6.0)
    c.case((np.arange(3.0),), np.array([0.0, 2.0, 4.0]))
    c.passed()
    assert capsys.readouterr().out == "double: all 2 checks passed.\n"


def test_the_failure_shows_call_expected_returned_and_hint():
    c = Checker("double", lambda x: 3 * x, ("x",), hint="multiply by two")
    with pytest.raises(CheckFailed) as info:
        c.case((3.0,), 6.0)
    assert str(info.value) == "double(x=3.0)\n  expected: 6.0\n  returned: 9.0\nHint: multiply by two"


def test_the_stub_error_passes_through_unchanged():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        Checker("double", stub, ("x",)).case((1.0,), 2.0)


def test_other_errors_name_the_call_and_keep_the_cause():
    def broken(x):
        return x / undefined  # noqa: F821

    with pytest.raises(CheckFailed, match=r"double\(x=1.0\) raised NameError") as info:
        Checker("double", broken, ("x",)).case((1.0,), 2.0)
    assert isinstance(info.value.__cause__, NameError)


def test_an_if_on_an_array_gets_its_own_hint():
    def scalar_only(x):
        return 0.0 if x < 0 else 2 * x

    with pytest.raises(CheckFailed, match="np.where"):
        Checker("double", scalar_only, ("x",)).case((np.arange(3.0),), np.arange(3.0) * 2)


def test_changing_an_input_in_place_fails():
    def in_place(x):
        x *= 2
        return x

    with pytest.raises(CheckFailed, match="changed its input `x` in place"):
        Checker("double", in_place, ("x",)).case((np.ones(3),), np.full(3, 2.0))


@pytest.mark.parametrize("answer, message", [
    (None, "no `return`"),
    ("6", "a number or array"),
    (np.full(2, 6.0), r"shape \(\)"),
    (np.nan, "not finite"),
    (np.inf, "not finite"),
])
def test_unusable_answers_are_named(answer, message):
    with pytest.raises(CheckFailed, match=message):
        Checker("double", lambda x: answer, ("x",)).case((3.0,), 6.0)


def test_bool_and_int_answers_need_their_type():
    with pytest.raises(CheckFailed, match="True or False"):
        Checker("positive", lambda x: 1, ("x",)).case((3.0,), True)
    with pytest.raises(CheckFailed, match="an int"):
        Checker("steps", lambda x: 7.0, ("x",)).case((3.0,), 7)
    Checker("steps", lambda x: np.int64(7), ("x",)).case((3.0,), 7)


def test_tuples_are_compared_item_by_item():
    c = Checker("pair", lambda x: (x, 2 * x), ("x",))
    c.case((1.0,), (1.0, 2.0))
    with pytest.raises(CheckFailed, match="a tuple of 2 values"):
        Checker("pair", lambda x: x, ("x",)).case((1.0,), (1.0, 2.0))


def test_a_mistake_is_named_only_when_it_explains_every_answer():
    mistakes = (Mistake("adding instead of multiplying", "use *", lambda x: x + 2),
                Mistake("tripling", "two, not three", lambda x: 3 * x))
    # 3·1 = 1 + 2: on the first case both mistakes fit, and it passed nothing before.
    c = Checker("double", lambda x: 3 * x, ("x",), mistakes)
    with pytest.raises(CheckFailed, match="adding instead of multiplying"):
        c.case((1.0,), 2.0)
    # After a passed case x = 0 (3·0 = 0 = 2·0, but 0 + 2 ≠ 0) only tripling fits.
    c = Checker("double", lambda x: 3 * x, ("x",), mistakes)
    c.case((0.0,), 0.0)
    with pytest.raises(CheckFailed, match="This looks like tripling.\nHint: two, not three"):
        c.case((1.0,), 2.0)


def test_a_mistake_that_cannot_run_is_skipped():
    mistakes = (Mistake("broken mistake", "never shown", lambda x: 1 / 0),)
    with pytest.raises(CheckFailed, match="Hint: general") as info:
        Checker("double", lambda x: 5 * x, ("x",), mistakes, hint="general").case((1.0,), 2.0)
    assert "never shown" not in str(info.value)


def test_prints_are_shown_but_capped(capsys):
    def chatty(x):
        for i in range(10_000):
            print("step", i)
        return 2 * x

    c = Checker("double", chatty, ("x",))
    c.case((1.0,), 2.0)
    c.case((2.0,), 4.0)
    c.passed()
    out = capsys.readouterr().out
    assert len(out) < 3000
    assert out.startswith("step 0\n") and "more characters printed by double not shown" in out
    assert out.endswith("double: all 2 checks passed.\n")


def test_no_runtime_warning_escapes_a_call():
    with pytest.raises(CheckFailed, match="not finite"):
        Checker("log", lambda x: np.log(x), ("x",)).case((np.array([-1.0, 0.0]),), np.zeros(2))


def test_not_a_function():
    with pytest.raises(CheckFailed, match="Pass the function itself, without calling it"):
        Checker("double", 6.0)


@pytest.mark.parametrize("value, text", [
    (1.0, "1.0"), (0.1, "0.1"), (3, "3"), (True, "True"), (np.float64(2.5), "2.5"),
    ((1.0, 2), "(1.0, 2)"), (np.array([1.0, 2.0]), "array([1., 2.])"),
    (np.random.default_rng(0), "np.random.default_rng(...)"), ("x" * 100, "'" + "x" * 76 + "..."),
])
def test_show(value, text):
    assert show(value) == text


def test_notebooks_show_the_message_not_the_checks_internals():
    def broken(x):
        return helper(x)

    def helper(x):
        return x / 0

    with pytest.raises(CheckFailed) as info:
        Checker("double", broken, ("x",)).case((1,), 2.0)
    shown = "\n".join(info.value._render_traceback_())
    assert "in broken" in shown and "in helper" in shown and "ZeroDivisionError: division by zero" in shown
    assert "checks/_core.py" not in shown
    assert "CheckFailed\x1b[0m: double(x=1) raised ZeroDivisionError" in shown

    with pytest.raises(CheckFailed) as info:
        Checker("double", lambda x: 3 * x, ("x",)).case((1.0,), 2.0)
    assert info.value._render_traceback_()[1:] == ["  expected: 2.0", "  returned: 3.0"]


def test_the_stub_error_is_shown_as_a_short_instruction():
    def stub(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError) as info:
        Checker("double", stub, ("x",)).case((1.0,), 2.0)
    lines = info.value._render_traceback_()
    assert lines[0].endswith("NotImplementedError\x1b[0m: double is not written yet.")
    assert "raise NotImplementedError()" in lines[1]
