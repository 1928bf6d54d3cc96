"""Figures the chapters share: two-class scatter plots and decision maps."""
import numpy as np

from bplib._checks import as_finite_array, int_at_least, real_number

# Red vs blue stays distinguishable for the common red-green colour blindness; the markers differ too.
CLASS_STYLES = [dict(color="#d62728", marker="o", label="red (0)"),
                dict(color="#1f77b4", marker="^", label="blue (1)")]


def plot_points(ax, X, y):
    """Scatter 2-D points of classes 0/1 with distinct colours *and* markers, plus a legend.

    ``X`` is (N, 2) finite numbers and ``y`` N labels, each 0 or 1 (anything else is refused, not dropped).
    """
    X = as_finite_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) (points in the plane), got {X.shape}")
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must have one label per row of X, shape ({len(X)},), got {y.shape}")
    if y.dtype.kind not in "biuf" or not np.all((y == 0) | (y == 1)):
        odd = [v for v in np.unique(y).tolist() if not (y.dtype.kind in "biuf" and v in (0, 1))][:5]
        raise ValueError(f"y must hold the class labels 0 and 1 only, got {odd!r}")
    for label, style in enumerate(CLASS_STYLES):
        pts = X[np.asarray(y) == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=36, edgecolor="k", linewidth=0.5, zorder=3, **style)
    ax.legend(loc="best", fontsize=8)
    return ax


def decision_map(ax, predict, xlim, ylim, resolution=120, levels=(0.5,)):
    """Heat map of ``predict(points) -> (M,) probabilities`` over a grid, with the 0.5 contour.

    ``predict`` gets the (M, 2) grid points and returns M numbers in [0, 1] (shape (M,) or (M, 1));
    ``xlim``/``ylim`` are (low, high) pairs with low < high; ``resolution`` >= 2 points per axis.
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable predict(points) -> probabilities, got {type(predict).__name__}")
    xlim, ylim = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    resolution = int_at_least(resolution, "resolution", minimum=2)
    xs, ys = np.linspace(*xlim, resolution), np.linspace(*ylim, resolution)
    gx, gy = np.meshgrid(xs, ys)
    p = as_finite_array(predict(np.column_stack([gx.ravel(), gy.ravel()])), "predict(points)")
    if p.size != gx.size or p.shape[0] != gx.size or np.any((p < 0) | (p > 1)):
        raise ValueError(f"predict(points) must return one probability in [0, 1] per point, shape ({gx.size},); "
                         f"got shape {p.shape}, values in [{p.min() if p.size else 'n/a'}, "
                         f"{p.max() if p.size else 'n/a'}]")
    p = p.reshape(gx.shape)
    im = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6, vmin=0, vmax=1)
    ax.contour(gx, gy, p, levels=list(levels), colors="k", linewidths=1.5)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return im


def _limits(lim, name):
    if not isinstance(lim, (tuple, list)) or len(lim) != 2:
        raise TypeError(f"{name} must be a (low, high) pair of numbers, got {lim!r}")
    low, high = (real_number(v, name) for v in lim)
    if not low < high:
        raise ValueError(f"{name} must be a (low, high) pair with low < high, got {lim!r}")
    return low, high
