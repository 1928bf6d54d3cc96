"""Shared fixtures: a seeded generator for bplib's tests (each test module builds its own data), and the headless
Chromium the browser tests (test_site.py, test_jupyterlab.py) drive through Playwright."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: figures are rendered off-screen

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded generator, so every random test is reproducible."""
    return np.random.default_rng(20240601)


# Debian's Chromium (scripts/install.sh installs it), headless, with nothing that would reach off the machine.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, closed at the module's end."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `bash scripts/install.sh` (apt-get install chromium)"
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()
