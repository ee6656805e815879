"""Shared utilities: the panel data contract and helpers."""

from .validation import check_panel, check_panel_y, series_lengths, validate_panel

__all__ = ["check_panel", "check_panel_y", "series_lengths", "validate_panel"]
