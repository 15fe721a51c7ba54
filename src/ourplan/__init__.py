"""ourplan: recovery-focused, co-produced care planning and care coordination."""

__version__ = "0.1.0"
