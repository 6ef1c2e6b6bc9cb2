"""Shared fixtures. Every test runs with its own data folder: the real home is never touched."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Point GUIDED_READER_HOME and HOME at a temp folder for every test."""
    home = tmp_path / "home"
    data = tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GUIDED_READER_HOME", str(data))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return data
