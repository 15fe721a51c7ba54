"""Validated questionnaires collected in ourplan, scored correctly, and reported on.

``scoring`` (pure: no Django) reads instrument definitions and scores answers; the
definitions ship as YAML in ``definitions/``. The rest is a domain app like the others:
models, services (every write), queries (shared reads), access (who may see what), views.
``evaluation`` builds the evaluation report from collected, de-identified data in a
background task (``tasks``), reusing :mod:`ourplan.reports` and :mod:`ourplan.analysis`.
"""
