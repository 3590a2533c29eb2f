"""chalk: a static site generator for long technical explainers."""

__version__ = "0.1.0"
