"""bplib: the numeric core of the interactive backpropagation textbook (pure numpy, float64).

Modules, one concept each: ``descent`` (gradient descent on a function), ``optim`` (update rules),
``activation_functions``, ``losses``, ``init``, ``mlp``, ``train``, ``metrics``, ``autograd``, ``gradcheck``,
``perceptron``, ``data``, ``forward_mode`` (dual numbers), ``regularization`` (weight decay, dropout, clipping). Display code (sliders, glue, figures) lives apart,
in the ``bpbook`` package: importing bplib imports no plotting or widget library.
"""
from . import (activation_functions, autograd, data, descent, forward_mode, gradcheck, init, losses, metrics, mlp,
               optim, perceptron, regularization, train)
from .autograd import Value
from .descent import gradient_descent
from .metrics import accuracy, steps_to_tolerance
from .mlp import MLP

__version__ = "0.2.0"
__all__ = ["MLP", "Value", "accuracy", "gradient_descent", "steps_to_tolerance", "activation_functions",
           "autograd", "data", "descent", "forward_mode", "gradcheck", "init", "losses", "metrics", "mlp", "optim",
           "perceptron", "regularization", "train", "__version__"]
