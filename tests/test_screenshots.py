"""`make test` leaves the tree clean: browser screenshots go to an ignored folder unless
`make screenshots` asks for the README's folder."""

import shutil
import subprocess

import pytest

from .screenshots import ROOT, screenshots_dir


def test_browser_tests_write_screenshots_to_a_folder_git_ignores(monkeypatch):
    monkeypatch.delenv("SCREENSHOTS_DIR", raising=False)

    folder = screenshots_dir()

    assert folder == ROOT / "var" / "screenshots"
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(folder / "login.png")], cwd=ROOT)
    assert ignored.returncode == 0


def test_make_screenshots_refreshes_the_readme_pictures(monkeypatch):
    monkeypatch.setenv("SCREENSHOTS_DIR", "docs/screenshots")

    assert screenshots_dir() == ROOT / "docs" / "screenshots"
    makefile = (ROOT / "Makefile").read_text()
    assert "SCREENSHOTS_DIR=docs/screenshots" in makefile.split("\nscreenshots:", 1)[1]
