"""Pure statistics for ourplan.

This package takes and returns plain data (sequences, pandas DataFrames,
dataclasses) and never imports Django; an import-linter contract enforces it.
"""
