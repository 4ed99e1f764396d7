"""Checks for the exercises of lecture 03."""

from __future__ import annotations

__all__: list[str] = []
