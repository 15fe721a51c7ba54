"""Run each app's demo loader in order. Later apps add theirs to DEMO_LOADERS."""

from __future__ import annotations

import importlib
from typing import Any

# Dotted paths of functions that load one app's demo data, in dependency order.
# The first one returns the demo logins.
DEMO_LOADERS = (
    "ourplan.people.demo.load_demo",
    "ourplan.plans.demo.load_demo_plans",
    "ourplan.consent.demo.load_demo_consent",
    "ourplan.studies.demo.load_demo_study",
    "ourplan.record_access.demo.load_demo_record_access",
    "ourplan.measures.demo.load_demo_measures",
    "ourplan.coordination.demo.load_demo_coordination",
    "ourplan.quality.demo.load_demo_quality",
)


def load_all_demo_data() -> list[Any]:
    logins: list[Any] = []
    for dotted in DEMO_LOADERS:
        module_name, function_name = dotted.rsplit(".", 1)
        result = getattr(importlib.import_module(module_name), function_name)()
        if isinstance(result, list):
            logins.extend(result)
    return logins
