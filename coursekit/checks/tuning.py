"""Checks for the exercises of lecture 02."""

from __future__ import annotations

__all__: list[str] = []
