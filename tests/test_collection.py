"""Every test file in the project runs: `core/tests/test_nik.py` once sat outside `testpaths`
and `make test` silently never ran its 16 tests. This collects the suite the way `make test`
does and fails, naming the file, when a test_*.py file is not collected."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders that hold no project code: the environments, run-time data, caches.
NOT_PROJECT = {".venv", ".uv", ".git", "var", "node_modules", "__pycache__"}


def project_test_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("test_*.py")
        if not NOT_PROJECT.intersection(path.relative_to(ROOT).parts)
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
    }


def collected_test_files() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {line.split("::", 1)[0] for line in result.stdout.splitlines() if "::" in line}


def test_every_test_file_in_the_project_is_collected():
    files = project_test_files()
    assert "core/tests/test_nik.py" in files  # the check sees the file that was once missed

    missing = sorted(files - collected_test_files())

    assert missing == [], f"not collected by pytest (check testpaths/norecursedirs): {missing}"
