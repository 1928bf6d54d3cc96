r"""Update rules, one per function (cs231n's ``optim.py``), apart from the model.

Heavy-ball momentum (Polyak 1964), the rule of chapter 1 and of :func:`bplib.train.train`:

.. math::

    v \leftarrow \alpha\, v - \eta\, \nabla f(x), \qquad x \leftarrow x + v, \qquad v_0 = 0.

With :math:`\alpha = 0` this is plain gradient descent, :math:`x \leftarrow x - \eta\,\nabla f(x)`.
Book symbols → names here: :math:`\eta` → ``lr``, :math:`\alpha` → ``momentum``, :math:`v` → ``v``.
"""


def heavy_ball_step(x, grad, v, lr, momentum):
    r"""One heavy-ball step, in place: :math:`v \leftarrow \alpha v - \eta\,g`, then :math:`x \leftarrow x + v`.

    ``x``, ``grad`` and ``v`` are arrays of one shape; ``x`` and ``v`` are updated in place.
    """
    v *= momentum
    v -= lr * grad
    x += v
