"""Shared fixtures: the seed built once per test session into a temporary dist/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamerkg.api import build

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "seed" / "kst-28676-339.txt"


@pytest.fixture(scope="session")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "dist"
    res = build([SEED], out=out)
    assert res.ok, (res.errors, [r.line() for r in res.report.results])
    return out
