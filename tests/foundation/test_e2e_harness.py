"""The browser harness keeps the screenshots of a failing journey and drops a passing one's.
Runs a small journey in a separate pytest process with tests/e2e/conftest.py as a plugin."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is missing"),
]

JOURNEYS = textwrap.dedent(
    '''
    def test_passes(phone_page, step):
        phone_page.goto("/")
        step("home")


    def test_fails(page, step):
        page.goto("/")
        step("home")
        assert page.locator("h1").inner_text() == "not the title"
    '''
)


def test_screenshots_kept_for_failing_journeys_only(tmp_path):
    (tmp_path / "test_journeys.py").write_text(JOURNEYS, encoding="utf-8")
    artifacts = tmp_path / "artifacts"
    # SQLite in memory for the child run: with DATABASE_URL it would create (and then drop)
    # the same test database as this session.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"}
    }
    env["E2E_ARTIFACTS"] = str(artifacts)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.e2e.conftest", "-p",
         "no:cacheprovider", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
         str(tmp_path / "test_journeys.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert "2 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    kept = sorted(p.name for p in artifacts.iterdir())
    assert len(kept) == 2 and all("test_fails" in name for name in kept)
    for viewport in ("phone", "desktop"):
        directory = next(p for p in artifacts.iterdir() if viewport in p.name)
        files = sorted(f.name for f in directory.iterdir())
        assert files == ["01-home.png", f"99-failure-{viewport}.png"]
        assert (directory / "01-home.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
