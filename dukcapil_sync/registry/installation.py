"""A secret made once per installation and kept in its var/ directory.

The mock registry holds population data (NIK, name, birth date, address): a key in the source
would let anyone who reaches a server read it. Unless DUKCAPIL_API_KEY / REGISTRY_API_KEYS is
configured, the portal and the registry share a random key stored beside their databases.
Imports nothing of the portal (the registry stands in for an external system)."""

import os
import secrets
from pathlib import Path


def installation_secret(var_dir: Path, name: str) -> str:
    """The secret in `var_dir/name`, created (owner-only) on first use. Two processes starting
    at once agree: only one creates the file, the other reads it."""
    path = var_dir / name
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            value = path.read_text().strip()
            if value:
                return value
            os.sched_yield()  # the creator is between open and write
        raise RuntimeError(f"{path} is empty: delete it to make a new key") from None
    value = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
