"""Which numbers of a lecture's Summary cell its outputs do not print.

A summary may only quote numbers that the notebook itself prints. This module
reads the numbers of a Summary cell and of the notebook's text outputs and
returns those of the summary that no output matches at the summary's own
rounding ("0.095" is matched by 0.0954, "about 10×" by 9.7, "2%" by 0.02).

Exempt from the check:
- a number or a ``$...$`` span written immediately before "(book)": numbers
  quoted from the book, or the rates it states;
- references: equation numbers (8.14), "§8.3.1", Algorithm 8.1, Figure 8.5,
  claim ids C1 to C21, lecture numbers "lecture 01" / "(01)", file names in
  code spans or links, and the arguments of O(·) and Ω(·);
- subscripts and superscripts that are part of a symbol (θ_0, ε_τ, k^{-1/2}).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SummaryNumber", "compared_outputs", "summary_numbers", "output_numbers", "unmatched"]

_MINUS = str.maketrans({"−": "-", "\u2009": " ", "\u202f": " ", "\xa0": " "})

_EXEMPT = [
    r"(\$[^$]*\$|[^\s$]+)\s*\(book\)",                                 # quoted from the book
    r"`[^`]*`", r"\[[^\]]*\]\([^)]*\)",                                # code spans, links
    r"\b(?:eqs?|equations?)\.?\s*\(?8\.\d+\)?(?:\s*(?:,|and|to|-|–)\s*\(?8\.\d+\)?)*",
    r"\(8\.\d+\)", r"§\s*\d+(?:\.\d+)*(?:\s*(?:-|–|to)\s*(?:§\s*)?\d+(?:\.\d+)*)?",
    r"\b(?:Algorithms?|Alg\.|Figure|Fig\.|Table)\s*8\.\d+",
    r"\bC\d+(?:\s*[-–]\s*C\d+)?\b", r"\b[Ll]ectures?\s+\d\d(?:\s*[-–]\s*\d\d)?\b", r"\(\d\d\)",
    r"\\?(?:O|Omega|Ω)\s*\\?\((?:[^()]|\([^()]*\))*\\?\)",                 # O(1/k), Ω(1/k)
    r"[_^]\{[^}]*\}", r"[_^]\\?[A-Za-z0-9]",                            # sub- and superscripts
]
_POWER = re.compile(r"(\d+(?:\.\d+)?)?\s*(?:\\times|\\cdot|×|·)?\s*10\^\{?(-?\d+)\}?")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?)(\s*%)?")
_OUT_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class SummaryNumber:
    text: str         # as written in the summary
    value: float      # its absolute value
    tolerance: float  # half a unit of its last written digit
    percent: bool

    def matches(self, printed: float) -> bool:
        candidates = (printed, printed * 100) if self.percent else (printed,)
        return any(abs(abs(x) - self.value) <= self.tolerance for x in candidates)


def _tolerance(token: str, value: float) -> float:
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    unit = 10.0 ** (int(exponent or 0) - decimals)
    if decimals == 0 and not exponent:
        # "470" may be rounded to its trailing zeros, but never by more than 5%.
        zeros = len(mantissa) - len(mantissa.rstrip("0"))
        unit = max(1.0, min(10.0 ** zeros, 0.1 * value))
    return 0.5 * unit * (1 + 1e-9)


def summary_numbers(text: str) -> list[SummaryNumber]:
    """The numbers of a Summary cell that must appear in an output."""
    text = re.sub(_EXEMPT[0], " ", text.translate(_MINUS))
    # Powers of ten first, before the superscripts of symbols are dropped.
    text = _POWER.sub(lambda m: f" {m.group(1) or '1'}e{m.group(2)} ", text)
    for pattern in _EXEMPT[1:]:
        text = re.sub(pattern, " ", text)
    numbers = []
    for match in _NUMBER.finditer(text):
        token = match.group(1).replace(",", "")
        value = abs(float(token))
        numbers.append(SummaryNumber(match.group(1), value, _tolerance(token, value), bool(match.group(2))))
    return numbers


def output_numbers(texts) -> list[float]:
    """Every number printed in the given output texts."""
    return [
        float(token.replace(",", ""))
        for text in texts
        for token in _OUT_NUMBER.findall(text.translate(_MINUS))
    ]


def unmatched(summary: str, outputs) -> list[str]:
    """The summary's numbers that no output prints, in order of appearance."""
    printed = output_numbers(outputs)
    return [n.text for n in summary_numbers(summary) if not any(n.matches(x) for x in printed)]


def compared_outputs(nb: dict) -> list[str]:
    """A notebook's text outputs that nbval compares (skipped cells print machine-dependent numbers)."""
    texts = []
    for cell in nb["cells"]:
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] != "code" or source.startswith("# NBVAL_IGNORE_OUTPUT"):
            continue
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return texts
