"""Checks for the exercises of lecture 05."""

from __future__ import annotations

__all__: list[str] = []
