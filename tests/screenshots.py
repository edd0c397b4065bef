"""Where the browser tests write their screenshots.

By default `var/screenshots/` (ignored by git), so `make test` leaves the tree clean.
`make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures on
purpose, as a change someone reviews and commits."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "var" / "screenshots"


def screenshots_dir() -> Path:
    """The folder (created if missing); a relative SCREENSHOTS_DIR is under the project."""
    configured = os.environ.get("SCREENSHOTS_DIR", "").strip()
    folder = ROOT / configured if configured else DEFAULT
    folder.mkdir(parents=True, exist_ok=True)
    return folder
