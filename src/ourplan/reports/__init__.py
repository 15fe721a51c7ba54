"""Evaluation reports: compare sites or teams on questionnaire measures.

``config`` reads and checks the YAML report description, the ``evaluation`` package
builds the report from the data (calling :mod:`ourplan.analysis` for every statistic) and
renders it to HTML and PDF, ``charts`` draws the shared mean ± 95% CI chart, and
``demo_data`` generates the synthetic six-site data set shipped in ``data/``.

Nothing here needs Django settings: templates are rendered with a standalone engine.
"""
