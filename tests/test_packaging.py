"""CI runs the tests exactly as the README tells a newcomer to, extras included."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    [documented] = [line for line in readme if line.startswith("python3 -m venv") and "pytest" in line]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()[-1]
    assert ci.replace("pip install -q ", "pip install ") == documented
    assert "[test,web]" in documented  # the serve test starts a real server: CI must not skip it
