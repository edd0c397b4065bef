"""Synthetic families for demos and the benchmark (see `generate` for what makes them valid
and repeatable)."""

from .generate import CARD_PREFIX, SYNTHETIC_PASSWORD
from .seed import seed_synthetic_families, synthetic_family_count

__all__ = [
    "CARD_PREFIX",
    "SYNTHETIC_PASSWORD",
    "seed_synthetic_families",
    "synthetic_family_count",
]
