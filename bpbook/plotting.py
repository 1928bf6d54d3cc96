"""Figures the chapters share: two-class scatter plots and decision maps."""
import numpy as np

# Red vs blue stays distinguishable for the common red-green colour blindness; the markers differ too.
CLASS_STYLES = [dict(color="#d62728", marker="o", label="red (0)"),
                dict(color="#1f77b4", marker="^", label="blue (1)")]


def plot_points(ax, X, y):
    """Scatter 2-D points of classes 0/1 with distinct colours *and* markers, plus a legend."""
    for label, style in enumerate(CLASS_STYLES):
        pts = X[np.asarray(y) == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=36, edgecolor="k", linewidth=0.5, zorder=3, **style)
    ax.legend(loc="best", fontsize=8)
    return ax


def decision_map(ax, predict, xlim, ylim, resolution=120, levels=(0.5,)):
    """Heat map of ``predict(points) -> (M,) probabilities`` over a grid, with the 0.5 contour."""
    xs, ys = np.linspace(*xlim, resolution), np.linspace(*ylim, resolution)
    gx, gy = np.meshgrid(xs, ys)
    p = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    im = ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6, vmin=0, vmax=1)
    ax.contour(gx, gy, p, levels=list(levels), colors="k", linewidths=1.5)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return im
