"""Timings as a page reports them: the median of repeated runs, rounded for a reader.

Timings differ from build to build, so a page shows them rounded (two significant digits) and
checks only bounds; these helpers keep that rounding in one place.
"""
from __future__ import annotations

import statistics
from typing import Any, Iterable, Mapping


def median_said(saids: Iterable[Mapping[str, Any]], key: str) -> float:
    """The median of one value (``big.wall``) over several runs' ``said`` dicts."""
    return statistics.median(said[key] for said in saids)


def shown_duration(seconds: float) -> str:
    """Two significant digits, in µs below a millisecond, else in ms: ``45.0 µs``, ``12 ms``."""
    value, unit = (seconds * 1e6, "µs") if seconds < 1e-3 else (seconds * 1e3, "ms")
    rounded = float("%.2g" % value)
    return "%s %s" % (rounded, unit) if value < 10 else "%d %s" % (rounded, unit)


def shown_ratio(ratio: float) -> str:
    """How many times faster: ``1.4×`` below 2, ``7×``, ``30×``, ``120×`` (tens from 100 up)."""
    if ratio < 2:
        return "%.1f×" % ratio
    return "%d×" % round(ratio, -1 if ratio >= 100 else 0)
