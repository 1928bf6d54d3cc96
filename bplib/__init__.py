"""bplib: the numeric core of the interactive backpropagation textbook (pure numpy, float64).

Modules, one concept each: ``gradient_descent``, ``activations``, ``losses``, ``init``, ``mlp``, ``train``,
``autograd`` (+ ``graph`` to draw it), ``gradcheck``, ``perceptron``, ``data``, ``plotting``.
"""
from . import activations, autograd, data, gradcheck, init, losses, perceptron, train
from .autograd import Value
from .gradient_descent import gradient_descent
from .mlp import MLP

__version__ = "0.1.0"
__all__ = ["MLP", "Value", "gradient_descent", "activations", "autograd", "data", "gradcheck", "init", "losses",
           "perceptron", "train", "__version__"]
