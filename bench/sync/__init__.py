"""Dukcapil rows of `make bench`: full-sync throughput against the mock registry on loopback
(see `main` for the steps)."""

from .bench import run_sync_bench

__all__ = ["run_sync_bench"]
