"""What every exercise check shares: call the student's function safely,
compare its answer, and explain a wrong one.

A check runs a battery of cases against one function a student wrote. It
stops at the first failure and raises :class:`CheckFailed`, whose message
shows the call, what was expected, what came back and a hint. When the
wrong answer equals what a known mistake would give (a sign error, an
off-by-one, ...), the message names that mistake. When every case passes,
the check prints one line saying so.

Rules that keep a student's bug from turning into a confusing failure:

- ``NotImplementedError`` (the untouched stub) is raised as it is;
- any other exception becomes a :class:`CheckFailed` naming the call;
- the inputs are deep copies, and a function that changes them in place
  fails with its own message;
- numpy warnings are silenced during the call: a NaN or inf answer is
  reported once, as such, instead of a wall of RuntimeWarnings;
- what the function prints is shown, but at most a few lines of it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import numbers
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

__all__ = ["CheckFailed", "Checker", "Mistake", "show"]

_PRINT_LIMIT = 2000  # characters of the student's own prints shown per check


_HERE = Path(__file__).resolve().parent
_RED, _RESET = "\x1b[0;31m", "\x1b[0m"


def _ours(filename: str) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(_HERE)
    except (OSError, ValueError):
        return False


class CheckFailed(AssertionError):
    """The student's function gave a wrong answer, or no usable answer."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback through the checks' own code:
        the message, and when the student's function raised, only its own frames."""
        lines = []
        cause = self.__cause__
        if cause is not None and cause.__traceback__ is not None:
            frames = [f for f in traceback.extract_tb(cause.__traceback__) if not _ours(f.filename)]
            if frames:
                lines.append("The error, in your code (most recent call last):")
                for frame in frames:
                    lines.append(f"  {_cell_name(frame.filename)}, line {frame.lineno}, in {frame.name}")
                    if frame.line:
                        lines.append(f"    {frame.line.strip()}")
                lines += "".join(traceback.format_exception_only(type(cause), cause)).splitlines()
                lines.append("")
        first, *rest = str(self).splitlines() or [""]
        return lines + [f"{_RED}CheckFailed{_RESET}: {first}", *rest]


def _cell_name(filename: str) -> str:
    """'Cell In[3]' for code typed in a notebook (as IPython labels it), else the file."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        label = shell.compile.format_code_name(filename) if shell is not None else None
    except Exception:  # no IPython, or an IPython without this helper
        label = None
    return " ".join(label) if label else f'File "{filename}"'


def _render_stub(name: str) -> list[str]:
    return [f"{_RED}NotImplementedError{_RESET}: {name} is not written yet.",
            f"Replace `raise NotImplementedError()` in the cell that defines {name} with your code,",
            "run that cell, then run this check again."]


@dataclass(frozen=True)
class Mistake:
    """A common wrong version of the exercise, used to name the error.

    ``fn`` takes the same arguments as the student's function and returns
    what the mistaken version would return; ``hint`` says how to fix it.
    """

    name: str
    hint: str
    fn: Callable


def show(value) -> str:
    """A short, fixed-precision text form of a value for messages."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, np.random.Generator):
        return "np.random.default_rng(...)"
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        text = f"{float(value):.6g}"
        return text if any(ch in text for ch in ".eni") else text + ".0"
    if isinstance(value, (list, np.ndarray)):
        arr = np.asarray(value)
        if arr.dtype.kind in "fiub":
            with np.printoptions(precision=6, threshold=8, edgeitems=3, suppress=False):
                text = np.array2string(arr, separator=", ")
            return f"array({text})" if arr.ndim else text
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Bounded(io.StringIO):
    """Keeps the first ``limit`` characters written and counts the rest."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.dropped = limit, 0

    def write(self, text: str) -> int:
        room = self.limit - self.tell()
        if room > 0:
            super().write(text[:room])
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)


# Exception messages that point to one misunderstanding, and what to do.
_EXCEPTION_HINTS = (
    ("truth value of an array",
     "`if` and `and`/`or` do not work elementwise on arrays: use np.where, "
     "np.minimum or np.maximum so that the function also takes arrays."),
    ("could not be broadcast",
     "two arrays have incompatible shapes: print their .shape and check "
     "which axis is which."),
    ("unsupported operand type",
     "an argument has a different type than you assumed; print type(...) of it."),
)


class Checker:
    """Runs the cases of one exercise against a student's function.

    >>> c = Checker("double", lambda x: 2 * x)
    >>> c.case((3.0,), 6.0)
    >>> c.passed()
    double: all 1 checks passed.
    """

    def __init__(self, name: str, fn, params: tuple[str, ...] = (), mistakes: tuple = (),
                 hint: str = ""):
        self.name, self.params, self.mistakes, self.hint = name, params, tuple(mistakes), hint
        self.count = 0
        self.history: list[tuple[tuple, Any]] = []  # (args, answer) of the cases passed so far
        self._printed = _Bounded(_PRINT_LIMIT)
        if not callable(fn):
            raise CheckFailed(
                f"{name}: expected the function you wrote, got {type(fn).__name__} "
                f"{show(fn)}. Pass the function itself, without calling it: "
                f"checks.{name}({name})."
            )
        self.fn = fn

    # -- calling -------------------------------------------------------------
    def describe(self, args: tuple) -> str:
        names = self.params + tuple(f"arg{i}" for i in range(len(self.params), len(args)))
        return f"{self.name}(" + ", ".join(f"{n}={show(a)}" for n, a in zip(names, args)) + ")"

    def call(self, args: tuple, fn: Callable | None = None):
        """Call the student's function (or ``fn``) on deep copies of ``args``."""
        student = fn is None
        fn = self.fn if student else fn
        copies = copy.deepcopy(args)
        sink = self._printed if student else _Bounded(0)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"), \
                    contextlib.redirect_stdout(sink):
                warnings.simplefilter("ignore")
                result = fn(*copies)
        except NotImplementedError as exc:
            if student:
                self._flush()
                # Shown by IPython in place of a traceback through the checks.
                exc._render_traceback_ = functools.partial(_render_stub, self.name)
            raise
        except Exception as exc:
            if not student:
                raise
            self._flush()
            message = f"{self.describe(args)} raised {type(exc).__name__}: {exc}"
            hint = next((h for key, h in _EXCEPTION_HINTS if key in str(exc)), "")
            raise CheckFailed(message + (f"\nHint: {hint}" if hint else "")) from exc
        if student:
            self._check_unchanged(args, copies)
        return result

    def _check_unchanged(self, args: tuple, copies: tuple) -> None:
        names = self.params + tuple(f"arg{i}" for i in range(len(self.params), len(args)))
        for name, before, after in zip(names, args, copies):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                self._flush()
                raise CheckFailed(
                    f"{self.describe(args)} changed its input `{name}` in place.\n"
                    f"  before the call: {show(before)}\n  after the call:  {show(after)}\n"
                    "Hint: build new arrays (x = x - ..., not x -= ...); the caller "
                    "may still need the old values."
                )

    def _flush(self) -> None:
        """Show what the student's function printed, at most _PRINT_LIMIT characters."""
        text, dropped = self._printed.getvalue(), self._printed.dropped
        if text:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        if dropped:
            sys.stdout.write(f"[... {dropped} more characters printed by {self.name} not shown]\n")
        self._printed = _Bounded(0)  # show it once

    # -- comparing -----------------------------------------------------------
    def fail(self, args: tuple, expected: str, got: str, hint: str = "") -> None:
        """Raise CheckFailed for the call on ``args``. ``hint`` may start with a
        diagnosis line (from :meth:`diagnose`); the general hint is the default."""
        self._flush()
        lines = [self.describe(args), f"  expected: {expected}", f"  returned: {got}"]
        hint = hint or self.hint
        if hint:
            lines.append(hint if hint.startswith("This looks like") else f"Hint: {hint}")
        raise CheckFailed("\n".join(lines))

    def numeric(self, args: tuple, value, expected, label: str = "") -> np.ndarray:
        """``value`` as a float array shaped like ``expected``, or a clear failure."""
        what = f"{label} " if label else ""
        if value is None:
            self.fail(args, f"{what}{show(expected)}", "None",
                      "the function has no `return` statement, or returns before computing.")
        if isinstance(value, (str, bytes, dict, set)) or callable(value):
            self.fail(args, f"{what}a number or array", f"{type(value).__name__} {show(value)}")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            self.fail(args, f"{what}a number or array", f"{type(value).__name__} {show(value)}")
        want = np.shape(expected)
        if arr.shape != want:
            self.fail(args, f"{what}shape {want}", f"shape {arr.shape}: {show(value)}",
                      "check which axis is which, and that the result has one value per input.")
        if not np.all(np.isfinite(arr)):
            self.fail(args, f"{what}{show(expected)}", f"{show(arr)} (not finite)",
                      "NaN or inf means an overflow, a division by zero or a log of a "
                      "non-positive number somewhere in your function.")
        return arr

    def close(self, args: tuple, got, expected, *, rtol: float = 1e-9, atol: float = 1e-12) -> None:
        """Compare a number, an array, or a tuple of them; name a known mistake if one matches."""
        self.count += 1
        if got is None:
            self.fail(args, show(expected), "None",
                      "the function has no `return` statement, or returns before computing.")
        if isinstance(expected, tuple):
            if not isinstance(got, (tuple, list)) or len(got) != len(expected):
                self.fail(args, f"a tuple of {len(expected)} values", show(got),
                          f"return {len(expected)} values: `return a, b`.")
            arrays = [self.numeric(args, g, e, f"item {i}") for i, (g, e) in enumerate(zip(got, expected))]
        else:
            arrays = [self.numeric(args, got, expected)]
            expected = (expected,)
        if all(np.allclose(a, e, rtol=rtol, atol=atol) for a, e in zip(arrays, expected)):
            self.history.append((args, got))
            return
        self.fail(args, show(expected if len(expected) > 1 else expected[0]), show(got),
                  self.diagnose(args, lambda m: _all_close(got, m, rtol, atol)))

    def exact(self, args: tuple, got, expected, kind: type) -> None:
        """Compare a bool or an int, requiring that type."""
        self.count += 1
        ok_type = (isinstance(got, (bool, np.bool_)) if kind is bool
                   else isinstance(got, numbers.Integral) and not isinstance(got, (bool, np.bool_)))
        if not ok_type:
            need = "True or False" if kind is bool else "an int, e.g. int(np.ceil(x))"
            self.fail(args, f"{show(expected)} ({need})", f"{type(got).__name__} {show(got)}",
                      f"return {need}.")
        if got == expected:
            self.history.append((args, got))
            return
        self.fail(args, show(expected), show(got), self.diagnose(args, lambda m: m == got))

    def diagnose(self, args: tuple, matches: Callable[[Any], bool]) -> str:
        """The hint of the first mistake that explains the student's answers, else the general hint.

        A mistake explains them when its answer ``matches`` on the failing
        case and equals the student's answer on every case passed before, so
        that one coincidence does not name the wrong mistake.
        """
        for mistake in self.mistakes:
            try:
                if matches(self.call(args, mistake.fn)) and all(
                        _all_close(got, self.call(old, mistake.fn), 1e-9, 1e-12)
                        for old, got in self.history):
                    return f"This looks like {mistake.name}.\nHint: {mistake.hint}"
            except Exception:  # a mistake that cannot run on this case does not match
                continue
        return self.hint

    def case(self, args: tuple, expected, **tolerances) -> None:
        """Call on ``args`` and compare with ``expected`` (bool and int compared exactly)."""
        got = self.call(args)
        if isinstance(expected, (bool, np.bool_)):
            self.exact(args, got, bool(expected), bool)
        elif isinstance(expected, numbers.Integral):
            self.exact(args, got, int(expected), int)
        else:
            self.close(args, got, expected, **tolerances)

    def passed(self) -> None:
        self._flush()
        print(f"{self.name}: all {self.count} checks passed.")


def _all_close(got, mistaken, rtol: float, atol: float) -> bool:
    try:
        if isinstance(mistaken, tuple):
            return len(got) == len(mistaken) and all(
                np.shape(g) == np.shape(m) and np.allclose(np.asarray(g, float), m, rtol=rtol, atol=atol)
                for g, m in zip(got, mistaken))
        return np.shape(got) == np.shape(mistaken) and bool(
            np.allclose(np.asarray(got, float), mistaken, rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False
