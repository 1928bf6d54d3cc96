"""Shared fixtures for bplib's tests (kept small: each test module builds its own data)."""
import matplotlib

matplotlib.use("Agg")  # no display: figures are rendered off-screen

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded generator, so every random test is reproducible."""
    return np.random.default_rng(20240601)
