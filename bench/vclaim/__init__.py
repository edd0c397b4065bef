"""VClaim facade rows of `make bench` (issue 13): see main.py."""

from .main import run

__all__ = ["run"]
