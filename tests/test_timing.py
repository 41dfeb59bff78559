"""Timings as pages show them: medians of runs, durations and ratios rounded for a reader."""
from __future__ import annotations

from pycache_lab import median_said, shown_duration, shown_ratio


def test_the_median_of_one_value_over_runs():
    runs = [{"big.wall": 3.0, "big.cpu": 1}, {"big.wall": 1.0, "big.cpu": 1}, {"big.wall": 2.0, "big.cpu": 9}]
    assert median_said(runs, "big.wall") == 2.0
    assert median_said(runs, "big.cpu") == 1


def test_durations_have_two_significant_digits_in_microseconds_or_milliseconds():
    assert shown_duration(0.0000456) == "46 µs"
    assert shown_duration(0.00000123) == "1.2 µs"
    assert shown_duration(0.0123) == "12 ms"
    assert shown_duration(0.00346) == "3.5 ms"
    assert shown_duration(1.234) == "1200 ms"


def test_ratios_keep_a_decimal_below_two_and_round_to_tens_from_a_hundred():
    assert shown_ratio(1.44) == "1.4×"
    assert shown_ratio(7.4) == "7×"
    assert shown_ratio(34.6) == "35×"
    assert shown_ratio(123.0) == "120×"
