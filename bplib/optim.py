r"""Update rules (cs231n's ``optim.py``), apart from the model, and learning-rate schedules.

Heavy-ball momentum (Polyak 1964), the rule of chapter 1 and of ``train(..., lr, momentum=α)``:

.. math::

    v \leftarrow \alpha\, v - \eta\, \nabla f(x), \qquad x \leftarrow x + v, \qquad v_0 = 0.

With :math:`\alpha = 0` this is plain gradient descent, :math:`x \leftarrow x - \eta\,\nabla f(x)`.
Book symbols → names here: :math:`\eta` → ``lr``, :math:`\alpha` → ``momentum``, :math:`v` → ``v``.

The optimiser objects of chapter 7 — :class:`SGD` (with momentum or Nesterov momentum), :class:`AdaGrad`,
:class:`RMSProp`, :class:`Adam` and :class:`AdamW` — follow ``torch.optim``'s update conventions exactly: with the
same hyper-parameters they produce the same iterates (the tests compare them with PyTorch where it is installed).
Each keeps its state per position of the parameter list it is stepped with::

    opt = Adam(1e-3)
    opt.step(params, grads)      # params: list of arrays, updated in place; grads: a list of the same shapes

In the formulas :math:`\theta` is one parameter array, :math:`\nabla_k` its gradient at step :math:`k = 1, 2, \dots`,
:math:`\lambda_{\mathrm{wd}}` the weight decay (``weight_decay``); squares, roots and divisions act element by element.
``eps = 0`` is allowed (the book uses it to show the rules exactly): a coordinate whose gradients have all been 0
then takes a step of 0, the limit as :math:`\epsilon \to 0`.
The schedules :class:`StepDecay` and :class:`CosineDecay` are callables ``schedule(epoch) -> lr``.
"""
import math

import numpy as np

from ._checks import (as_finite_array, flag, int_at_least, momentum_coefficient, nonnegative_number,
                      positive_number, sequence)


def heavy_ball_step(x, grad, v, lr, momentum):
    r"""One heavy-ball step, in place: :math:`v \leftarrow \alpha v - \eta\,g`, then :math:`x \leftarrow x + v`.

    ``x``, ``grad`` and ``v`` are numpy arrays of one shape; ``x`` and ``v`` (writeable, float64) are updated in
    place. Refused: other types or shapes, ``lr <= 0``, ``momentum`` outside [0, 1). The gradient's values are not
    checked (a NaN gradient gives a NaN ``x``): this step runs once per minibatch, and a diverging run is
    detected from its loss (:func:`bplib.train.train`) or left to overflow (:func:`bplib.gradient_descent`).
    """
    _updatable(x, "x")
    _updatable(v, "v")
    _same_shape(v, x.shape, "v", "x")
    grad = _real_gradient(grad, "grad")
    _same_shape(grad, x.shape, "grad", "x")
    _heavy_ball_step(x, grad, v, positive_number(lr, "lr"), momentum_coefficient(momentum))


def _heavy_ball_step(x, grad, v, lr, momentum):
    # the update itself, unchecked: the inner loops (per step, per minibatch) check their inputs once, beforehand
    v *= momentum
    v -= lr * grad
    x += v


# ----------------------------------------------------------------------------------------------------------------
# array checks shared by the update rules, optimize() and bplib.gradient_descent: type, dtype, shape and
# writeability only where they run once per step (O(number of arrays)); values where the input is the user's

def _updatable(a, name):
    # an array updated in place must be a writeable float64 numpy array
    if not isinstance(a, np.ndarray) or a.dtype != np.float64:
        got = f"a {a.dtype} array" if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(f"{name} must be a float64 numpy array (it is updated in place), got {got}")
    if not a.flags.writeable:
        raise ValueError(f"{name} must be a writeable array (it is updated in place), got a read-only array")


def _real_gradient(g, name):
    # a gradient array of real numbers (a list is converted, and its values checked); not bool, complex or text
    if not isinstance(g, np.ndarray):
        return _real_array(g, name)
    if g.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be an array of real numbers, got {g.dtype} values")
    return g


def _same_shape(a, shape, name, other):
    if a.shape != shape:
        raise ValueError(f"{name} must have the shape of {other}, {shape}, got {a.shape}")


def _real_array(x, name):
    # as_finite_array, refusing True/False as well: a point, a gradient or a learning rate is not a truth value
    arr = as_finite_array(x, name)
    if np.asarray(x).dtype == bool:
        raise TypeError(f"{name} must be real numbers, got True/False values {x!r}")
    return arr


def _start_point(x0):
    # x0 of a function of one vector: a number or a non-empty 1-D array of finite numbers; returned as a 1-D
    # float64 copy (the caller's array is not changed)
    x0 = _real_array(x0, "x0")
    if x0.size == 0 or x0.ndim > 1:
        raise ValueError(f"x0 must be a number or a 1-D array (a point) with at least one entry, got shape "
                         f"{x0.shape}")
    return np.atleast_1d(x0).astype(np.float64)


def _new_path(x, steps):
    # the (steps + 1, D) array of iterates, row 0 = x
    try:
        path = np.empty((steps + 1, x.size))
    except (ValueError, OverflowError) as e:               # more rows than numpy can index
        raise ValueError(f"steps must be a number of steps numpy can allocate a path for, got {steps}") from e
    path[0] = x
    return path


def _gradient_at(grad, x, k):
    # grad(x) as a float array shaped like x: real numbers (TypeError otherwise) of that shape, finite, except in a
    # diverging run: after step 1 an inf (the gradient overflowed as x grew), or anything once x itself has
    # overflowed, lets the remaining rows go on to inf/nan (the book plots divergence); a NaN at a finite x does not
    out = grad(x.copy())
    try:
        g = _real_array(out, "grad(x)")
    except TypeError as e:
        raise TypeError(f"grad(x) must return an array of real numbers shaped like x {x.shape}, got {out!r} at "
                        f"step {k}") from e
    except ValueError as e:                                # NaN/inf, or an int beyond the float range
        try:
            g = np.asarray(out, dtype=np.float64)
        except OverflowError:
            raise ValueError(f"grad(x) returned a number beyond the float64 range (about ±1.8e308) at x = {x} "
                             f"(step {k})") from e
        if k == 1 or (np.all(np.isfinite(x)) and np.any(np.isnan(g))):
            raise ValueError(f"grad(x) returned {g} (NaN or inf) at the finite point x = {x} (step {k}); expected "
                             f"a finite gradient") from e
    if g.size != x.size or g.ndim > 1:
        raise ValueError(f"grad(x) must return an array of shape {x.shape}, got shape {g.shape}")
    return g.reshape(x.shape)


# ----------------------------------------------------------------------------------------------------------------
# hyper-parameter checks: a ValueError (TypeError for a non-number) that names the argument

def _betas(betas):
    betas = sequence(betas, "betas", "two numbers (beta1, beta2), each in [0, 1)")
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), each in [0, 1), got {betas!r}")
    return tuple(momentum_coefficient(b, f"betas[{i}]") for i, b in enumerate(betas))


def _ratio(step, root, eps):
    # step / (root + eps), the scaled step of AdaGrad, RMSProp and Adam. eps = 0 is allowed (the book uses it to
    # show the rules exactly): a coordinate whose root is 0 has had only zero gradients, so its step is 0 too,
    # which is the limit as eps -> 0 (0/0 would make the parameter NaN).
    if eps:
        return step / (root + eps)
    zero = root == 0
    if np.any(step[zero] != 0):
        raise ValueError("with eps=0 a gradient whose square underflows to 0 (|g| below about 1e-154) has no "
                         "finite step; use eps > 0 (PyTorch's defaults: 1e-8, AdaGrad 1e-10)")
    return np.divide(step, root, out=np.zeros_like(step), where=~zero)


class Optimizer:
    """Base class: the learning rate, the weight decay and the per-position state.

    ``lr`` may be changed between steps (a schedule does that); it is checked when set. ``state[i]`` is a dict
    holding the running quantities of position ``i`` of the parameter list (created at the first step); ``t`` is
    the number of steps taken.
    """

    def __init__(self, lr, weight_decay=0.0):
        self.lr = lr
        self.weight_decay = nonnegative_number(weight_decay, "weight_decay")
        self.state = None
        self.t = 0

    @property
    def lr(self):
        """The learning rate :math:`\\eta > 0`."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = positive_number(value, "lr")

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({fields})"

    def _hyper(self):
        return {"lr": self.lr, "weight_decay": self.weight_decay}

    def step(self, params, grads, decay=None):
        """Update every array of ``params`` in place, from ``grads`` (a list of arrays of the same shapes).

        ``decay`` optionally lists, per position, whether the weight decay applies to it (default: to all, as in
        PyTorch; :func:`bplib.train.train` passes ``False`` for the biases unless asked).

        Refused: ``params`` that are not writeable float64 numpy arrays, gradients that are not real numbers or
        not of their parameter's shape, ``decay`` entries other than True/False. As in ``torch.optim``, the
        values of gradient arrays are not checked (a NaN gradient makes its parameters NaN): ``step`` runs once
        per minibatch, where a scan of every gradient would cost more than the checks above, and
        :func:`bplib.train.train` detects a diverging run from its loss; :func:`optimize` checks the gradients
        it is given.
        """
        if not isinstance(params, (list, tuple)) or not isinstance(grads, (list, tuple)):
            raise TypeError("params and grads must be lists of numpy arrays")
        if len(params) != len(grads):
            raise ValueError(f"params and grads must have the same length, got {len(params)} and {len(grads)}")
        decay = [True] * len(params) if decay is None else sequence(decay, "decay", "True/False, one per array")
        if len(decay) != len(params):
            raise ValueError(f"decay must have one entry per parameter array, got {len(decay)} for {len(params)}")
        decay = [flag(d, f"decay[{i}]") for i, d in enumerate(decay)]
        grads = list(grads)
        for i, p in enumerate(params):
            _updatable(p, f"params[{i}]")
            grads[i] = _real_gradient(grads[i], f"grads[{i}]")
            _same_shape(grads[i], p.shape, f"grads[{i}]", f"params[{i}]")
        shapes = [p.shape for p in params]
        if self.state is None:
            self.state, self._shapes = [{} for _ in params], shapes
        elif shapes != self._shapes:
            raise ValueError(f"this optimiser was stepped with parameter arrays of shapes {self._shapes}, now "
                             f"{shapes}: its state belongs to those arrays; use a new optimiser for another model")
        self.t += 1
        for p, g, state, d in zip(params, grads, self.state, decay):
            self._update(p, np.asarray(g, dtype=np.float64), state, self.weight_decay if d else 0.0)

    def _update(self, p, g, state, weight_decay):
        raise TypeError(f"{type(self).__name__} is the base class of the optimisers and has no update rule: use SGD, "
                        "AdaGrad, RMSProp, Adam or AdamW (a subclass implements _update)")


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum or Nesterov momentum (``torch.optim.SGD``).

    With L2 weight decay the gradient is first :math:`\nabla_k \leftarrow \nabla_k + \lambda_{\mathrm{wd}}\,\theta` (the gradient of
    :math:`\tfrac12\lambda_{\mathrm{wd}}\lVert\theta\rVert^2` added to the loss's). Without momentum,
    :math:`\theta \leftarrow \theta - \eta\, \nabla_k`. With momentum :math:`\alpha` (``momentum``) PyTorch keeps a buffer

    .. math::

        b_k = \alpha\, b_{k-1} + \nabla_k, \quad b_0 = 0, \qquad
        \theta_k = \theta_{k-1} - \eta\, b_k \quad \text{(heavy ball)}.

    *Why this is heavy ball.* Put :math:`v_k = -\eta\, b_k`; for a constant :math:`\eta`,
    :math:`v_k = \alpha\, v_{k-1} - \eta\, \nabla_k` and :math:`\theta_k = \theta_{k-1} + v_k`: exactly
    :func:`heavy_ball_step` with the same :math:`\alpha`. (When :math:`\eta` changes between steps the two differ: here
    the new :math:`\eta` also scales the remembered gradients.)

    *Nesterov* (``nesterov=True``) evaluates the momentum step at the point it is about to reach. Sutskever et al.
    (2013) write it :math:`u_k = \alpha u_{k-1} - \eta\,\nabla f(\phi_{k-1} + \alpha u_{k-1})`,
    :math:`\phi_k = \phi_{k-1} + u_k`. In the look-ahead variable :math:`\theta = \phi + \alpha u`, with
    :math:`u = -\eta b`, this becomes an update that needs the gradient only at :math:`\theta`:

    .. math::

        b_k = \alpha\, b_{k-1} + \nabla_k, \qquad \theta_k = \theta_{k-1} - \eta\,(\nabla_k + \alpha\, b_k),

    since :math:`\theta_k = \phi_k + \alpha u_k = \phi_{k-1} + (1+\alpha) u_k = \theta_{k-1} - \alpha u_{k-1} + (1+\alpha)u_k`
    and :math:`u_k - \alpha u_{k-1} = -\eta \nabla_k`. That is PyTorch's rule (with dampening 0).
    """

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        self.momentum = momentum_coefficient(momentum)
        self.nesterov = flag(nesterov, "nesterov")
        if self.nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0 (Nesterov momentum with momentum 0 is plain SGD)")

    def _hyper(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov,
                "weight_decay": self.weight_decay}

    def _update(self, p, g, state, weight_decay):
        if weight_decay:
            g = g + weight_decay * p
        if self.momentum:
            if "b" not in state:
                state["b"] = g.copy()                       # b_1 = g_1 (b_0 = 0)
            else:
                state["b"] *= self.momentum                 # b_t = μ b_{t-1} + g_t
                state["b"] += g
            g = g + self.momentum * state["b"] if self.nesterov else state["b"]
        p -= self.lr * g


class AdaGrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan and Singer 2011; ``torch.optim.Adagrad``): one learning rate per coordinate.

    Every coordinate keeps the sum of its squared gradients and divides its step by the root of that sum:

    .. math::

        s_k = s_{k-1} + \nabla_k^2, \quad s_0 = 0, \qquad
        \theta_k = \theta_{k-1} - \eta\, \frac{\nabla_k}{\sqrt{s_k} + \epsilon}.

    *Why.* On :math:`f = \tfrac12 \lambda_i \theta_i^2` the gradient of coordinate :math:`i` is proportional to its
    curvature :math:`\lambda_i`, and so is :math:`\sqrt{s_k}`: the ratio removes :math:`\lambda_i`, and a sharp
    and a flat coordinate move at the same speed. The first step is :math:`\eta\, \nabla_1/(|\nabla_1| + \epsilon)`, about
    :math:`\eta` in every coordinate. Since :math:`s_k` only grows, the steps shrink like :math:`1/\sqrt k` for a
    steady gradient. With weight decay, :math:`\nabla_k \leftarrow \nabla_k + \lambda_{\mathrm{wd}}\theta` first.
    """

    def __init__(self, lr, eps=1e-10, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        self.eps = nonnegative_number(eps, "eps")

    def _hyper(self):
        return {"lr": self.lr, "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, p, g, state, weight_decay):
        if weight_decay:
            g = g + weight_decay * p
        s = state.setdefault("s", np.zeros_like(p))
        s += g * g
        p -= _ratio(self.lr * g, np.sqrt(s), self.eps)


class RMSProp(Optimizer):
    r"""RMSProp (Tieleman and Hinton 2012; ``torch.optim.RMSprop``): AdaGrad with a running average.

    AdaGrad's sum never forgets; RMSProp replaces it by an exponential moving average with decay
    :math:`\rho` (``alpha``), so the scale follows the recent gradients:

    .. math::

        s_k = \rho\, s_{k-1} + (1 - \rho)\, \nabla_k^2, \quad s_0 = 0, \qquad
        \theta_k = \theta_{k-1} - \eta\, \frac{\nabla_k}{\sqrt{s_k} + \epsilon}.

    Unrolled, :math:`s_k = (1-\rho)\sum_{j=1}^{k} \rho^{k-j} \nabla_j^2`, a weighted mean of the recent squared
    gradients whose weights sum to :math:`1 - \rho^k`. As in PyTorch there is no correction for that sum being
    below 1 in the first steps (Adam adds one). With weight decay, :math:`\nabla_k \leftarrow \nabla_k + \lambda_{\mathrm{wd}}\theta`
    first.
    """

    def __init__(self, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        self.alpha = momentum_coefficient(alpha, "alpha")
        self.eps = nonnegative_number(eps, "eps")

    def _hyper(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, p, g, state, weight_decay):
        if weight_decay:
            g = g + weight_decay * p
        s = state.setdefault("s", np.zeros_like(p))
        s *= self.alpha
        s += (1 - self.alpha) * g * g
        p -= _ratio(self.lr * g, np.sqrt(s), self.eps)


class Adam(Optimizer):
    r"""Adam (Kingma and Ba 2015; ``torch.optim.Adam``): momentum + RMSProp + bias correction.

    Two exponential moving averages, of the gradient (decay :math:`\beta_1`) and of its square
    (:math:`\beta_2`), both started at 0:

    .. math::

        m_k = \beta_1 m_{k-1} + (1-\beta_1)\, \nabla_k, \qquad s_k = \beta_2 s_{k-1} + (1-\beta_2)\, \nabla_k^2,

        \hat m_k = \frac{m_k}{1-\beta_1^k}, \qquad \hat s_k = \frac{s_k}{1-\beta_2^k}, \qquad
        \theta_k = \theta_{k-1} - \eta\,\frac{\hat m_k}{\sqrt{\hat s_k} + \epsilon}.

    *Bias correction.* Unrolled, :math:`m_k = (1-\beta_1)\sum_{j=1}^k \beta_1^{k-j} \nabla_j`, whose weights sum to
    :math:`(1-\beta_1)(1 + \beta_1 + \dots + \beta_1^{k-1}) = 1 - \beta_1^k`. If the gradients have a common mean
    :math:`\bar\nabla`, then :math:`\mathbb E[m_k] = (1-\beta_1^k)\,\bar\nabla`: started at 0, the average is biased
    towards 0 by exactly that factor, and dividing by it removes the bias (likewise for :math:`s_k` with
    :math:`\beta_2`). Without it the first step would be
    :math:`\eta (1-\beta_1) \nabla_1 / (\sqrt{1-\beta_2}\,|\nabla_1|)`, :math:`0.1/\sqrt{0.001} \approx 3.2` times
    :math:`\eta` for the defaults; with it the first step is :math:`\eta\, \nabla_1/(|\nabla_1| + \epsilon)`.
    ``bias_correction=False`` (not in PyTorch) drops the two divisions, for the book to show that.

    ``weight_decay`` is L2 regularisation, :math:`\nabla_k \leftarrow \nabla_k + \lambda_{\mathrm{wd}}\theta` before the averages, as
    in PyTorch's Adam; the decay is then divided by :math:`\sqrt{\hat s_k}` like the rest of the gradient. For
    decay that is not, use :class:`AdamW`.
    """

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, bias_correction=True):
        super().__init__(lr, weight_decay)
        self.betas = _betas(betas)
        self.eps = nonnegative_number(eps, "eps")
        self.bias_correction = flag(bias_correction, "bias_correction")

    def _hyper(self):
        hyper = {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}
        return hyper if self.bias_correction else {**hyper, "bias_correction": False}

    def _update(self, p, g, state, weight_decay):
        if weight_decay:
            g = g + weight_decay * p
        self._adam(p, g, state)

    def _adam(self, p, g, state):
        beta1, beta2 = self.betas
        m = state.setdefault("m", np.zeros_like(p))
        s = state.setdefault("s", np.zeros_like(p))
        m *= beta1
        m += (1 - beta1) * g
        s *= beta2
        s += (1 - beta2) * g * g
        c1, c2 = (1 - beta1 ** self.t, 1 - beta2 ** self.t) if self.bias_correction else (1.0, 1.0)
        p -= _ratio(self.lr * (m / c1), np.sqrt(s / c2), self.eps)


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter 2019; ``torch.optim.AdamW``): Adam with *decoupled* weight decay.

    The parameters shrink by the factor :math:`1 - \eta\lambda_{\mathrm{wd}}` first, and then take Adam's step computed
    from the loss gradient alone:

    .. math::

        \theta \leftarrow (1 - \eta\,\lambda_{\mathrm{wd}})\,\theta, \qquad
        \theta_k = \theta - \eta\,\frac{\hat m_k}{\sqrt{\hat s_k} + \epsilon}
        \quad (m_k, s_k \text{ from } \nabla_k \text{ only}).

    For plain SGD the two ways coincide: :math:`\theta - \eta(g + \lambda_{\mathrm{wd}}\theta) =
    (1-\eta\lambda_{\mathrm{wd}})\theta - \eta g`. For Adam they do not: L2 decay passes through the division by
    :math:`\sqrt{\hat s_k}`, so a weight with large gradients is decayed less, and a weight with no loss gradient
    moves by about :math:`\eta` per step whatever :math:`\lambda_{\mathrm{wd}}`; decoupled decay shrinks every weight by
    the same factor. Default ``weight_decay=0.01``, as in PyTorch.
    """

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(lr, betas, eps, weight_decay)

    def _update(self, p, g, state, weight_decay):
        if weight_decay:
            p *= 1 - self.lr * weight_decay
        self._adam(p, g, state)


def optimize(optimizer, grad, x0, steps):
    """Run ``steps`` updates of ``optimizer`` on a function of one vector; returns the path, shape (steps+1, D).

    ``grad(x)`` returns :math:`\\nabla f(x)`; row ``k`` of the result is :math:`x_k` (row 0 is ``x0``). Like
    :func:`bplib.gradient_descent`, a diverging run fills the remaining rows with inf/nan instead of raising.
    ``x0`` and what ``grad`` returns are checked as there: a number or a non-empty 1-D array of finite numbers
    (not True/False), and an array shaped like ``x``, finite wherever ``x`` is.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a bplib.optim optimiser such as Adam(0.1), got {optimizer!r}")
    if not callable(grad):
        raise TypeError(f"grad must be a callable grad(x) -> array, got {type(grad).__name__}")
    x = _start_point(x0)
    path = _new_path(x, int_at_least(steps, "steps"))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, len(path)):
            optimizer.step([x], [_gradient_at(grad, x, k)])
            path[k] = x
    return path


def momentum_rate(lr, momentum, curvature, nesterov=False):
    r"""The long-run factor per step of heavy ball (or Nesterov) on a quadratic of curvature :math:`\lambda`.

    On :math:`f(x) = \tfrac12\lambda x^2` heavy ball gives :math:`x_{k+1} = (1 + \alpha - \eta\lambda)\,x_k -
    \alpha\, x_{k-1}` and Nesterov (:class:`SGD` with ``nesterov=True``) gives
    :math:`x_{k+1} = (1+\alpha)(1-\eta\lambda)\,x_k - \alpha(1-\eta\lambda)\, x_{k-1}`. Solutions are
    combinations of :math:`r^k` for the roots of

    .. math::

        r^2 - (1 + \alpha - \eta\lambda)\, r + \alpha = 0 \quad\text{or}\quad
        r^2 - (1+\alpha)(1-\eta\lambda)\, r + \alpha(1-\eta\lambda) = 0,

    so :math:`|x_k|` shrinks (or grows) like :math:`\max|r|^k`; this returns :math:`\max |r|` (< 1: converges).
    Scalars or arrays that broadcast to one shape for ``lr`` (> 0), ``momentum`` (in [0, 1)) and ``curvature``
    (any finite number); a rate beyond the float64 range (:math:`|\eta\lambda|` near 1e308) is a ValueError.
    """
    lr, momentum, curvature = (_real_array(a, name) for a, name in
                               ((lr, "lr"), (momentum, "momentum"), (curvature, "curvature")))
    if np.any(lr <= 0):
        raise ValueError(f"lr must be > 0, got {lr.min():g} (the smallest)")
    if np.any(momentum < 0) or np.any(momentum >= 1):
        raise ValueError(f"momentum must be in [0, 1), got values from {momentum.min():g} to {momentum.max():g}")
    nesterov = flag(nesterov, "nesterov")
    try:
        np.broadcast_shapes(lr.shape, momentum.shape, curvature.shape)
    except ValueError as e:
        raise ValueError(f"lr, momentum and curvature must be scalars or arrays that broadcast to one shape, got "
                         f"shapes {lr.shape}, {momentum.shape} and {curvature.shape}") from e
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        c = 1 - lr * curvature
        b, c0 = ((1 + momentum) * c, momentum * c) if nesterov else (1 + momentum - lr * curvature, momentum)
        rate = _largest_root(b, c0)
        overflow = ~np.isfinite(rate)
        if np.any(overflow):       # b * b overflowed, |b| > 1.3e154: the roots are b - c0/b and c0/b with |c0/b| < 1,
            # so the larger |root| is |b| to the last bit (c0/b² < 1e-308 is far below b's rounding)
            rate = np.where(overflow, np.abs(b), rate)
    if not np.all(np.isfinite(rate)):
        raise ValueError("the rate overflows: lr * curvature is too large (the rate is about |lr * curvature|, "
                         "beyond the float64 range, about 1.8e308)")
    return float(rate) if rate.ndim == 0 else rate


def _largest_root(b, c0):
    # max |r| over the two roots of r² - b r + c0 (complex when b² < 4 c0)
    root = np.sqrt(b * b - 4 * c0 + 0j)
    return np.maximum(np.abs((b + root) / 2), np.abs((b - root) / 2))


# ----------------------------------------------------------------------------------------------------------------
# learning-rate schedules: callables epoch -> learning rate (epoch counted from 0)

class StepDecay:
    r"""Step decay (``torch.optim.lr_scheduler.StepLR``): :math:`\eta_e = \eta_0\,\gamma^{\lfloor e / s\rfloor}`.

    The learning rate is multiplied by ``gamma`` every ``step_size`` epochs; ``StepDecay(0.1, 30)(45)`` is 0.01.
    An epoch where that rate underflows to 0 or overflows the float64 range is a ValueError.
    """

    def __init__(self, lr, step_size, gamma=0.1):
        self.lr = positive_number(lr, "lr")
        self.step_size = int_at_least(step_size, "step_size", minimum=1)
        self.gamma = positive_number(gamma, "gamma")

    def __call__(self, epoch):
        epoch = int_at_least(epoch, "epoch")
        k = epoch // self.step_size
        try:
            lr = self.lr * self.gamma ** k
        except OverflowError:                              # a float power beyond the float64 range
            lr = math.inf
        if not 0 < lr < math.inf:
            what = "underflows to 0" if lr == 0 else "is beyond the float64 range"
            raise ValueError(f"at epoch {epoch} the learning rate lr * gamma ** (epoch // step_size) = "
                             f"{self.lr:g} * {self.gamma:g} ** {k} {what}; expected a number > 0: use a gamma "
                             f"nearer 1, a larger step_size or fewer epochs")
        return lr

    def __repr__(self):
        return f"StepDecay(lr={self.lr!r}, step_size={self.step_size!r}, gamma={self.gamma!r})"


class CosineDecay:
    r"""Cosine decay (``torch.optim.lr_scheduler.CosineAnnealingLR``, closed form), over ``epochs`` epochs:

    .. math::

        \eta_e = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\,\bigl(1 + \cos(\pi e / E)\bigr), \qquad 0 \le e \le E,

    from :math:`\eta_0` at :math:`e = 0` down to :math:`\eta_{\min}` (``lr_min``) at :math:`e = E`, and
    :math:`\eta_{\min}` after that. The slope is 0 at both ends: it starts and finishes gently.
    """

    def __init__(self, lr, epochs, lr_min=0.0):
        self.lr = positive_number(lr, "lr")
        self.epochs = int_at_least(epochs, "epochs", minimum=1)
        self.lr_min = nonnegative_number(lr_min, "lr_min")
        if self.lr_min > self.lr:
            raise ValueError(f"lr_min must not exceed lr, got lr_min={lr_min!r} > lr={lr!r}")

    def __call__(self, epoch):
        epoch = min(int_at_least(epoch, "epoch"), self.epochs)
        return self.lr_min + 0.5 * (self.lr - self.lr_min) * (1 + math.cos(math.pi * epoch / self.epochs))

    def __repr__(self):
        return f"CosineDecay(lr={self.lr!r}, epochs={self.epochs!r}, lr_min={self.lr_min!r})"
