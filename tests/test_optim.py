"""bplib.optim: the update rules."""
import numpy as np
import pytest

from bplib.optim import heavy_ball_step


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_heavy_ball_step_matches_its_formula(momentum, rng):
    x, g, v = rng.standard_normal((3, 4, 2))
    x0, v0 = x.copy(), v.copy()
    heavy_ball_step(x, g, v, 0.1, momentum)
    np.testing.assert_allclose(v, momentum * v0 - 0.1 * g, rtol=1e-15)
    np.testing.assert_allclose(x, x0 + momentum * v0 - 0.1 * g, rtol=1e-15)
