"""Payments rows of `make bench`: billing, reactivations through a worker, notification to
AKTIF (see `main` for the whole story)."""

from .main import report_lines, run

__all__ = ["report_lines", "run"]
