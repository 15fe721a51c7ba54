"""The header menu: every link it offers a role opens for that role, and each role's working
pages are in it (a coordinator's worklist, a manager's dashboard, questionnaires)."""

from __future__ import annotations

from typing import Any

from django.urls import resolve

from ourplan.site.navigation import navigation_for
from tests.core.test_permission_matrix import MATRIX


def _url_name(href: str) -> str:
    match = resolve(href)
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def test_every_menu_link_is_one_the_role_may_open(standing: Any, client_for: Any) -> None:
    checked = 0
    for role, user in standing.users().items():
        if user is None:
            continue
        client = client_for(user)
        for href, _label in navigation_for(user):
            name = _url_name(href)
            # The matrix speaks of the standing person's pages; a link to one's own record
            # (another person's own plan) is checked by opening it.
            if not resolve(href).kwargs:
                assert role in MATRIX[name].get("GET", set()), f"{role} is offered {name}"
            assert client.get(href).status_code == 200, f"{role}: {href}"
            checked += 1
    assert checked >= 20


def test_each_role_reaches_its_working_pages_from_the_menu(standing: Any) -> None:
    menus = {
        role: {_url_name(href) for href, _label in navigation_for(user)}
        for role, user in standing.users().items()
        if user is not None
    }
    assert {"people:caseload", "coordination:worklist"} <= menus["coordinator"]
    assert {"coordination:worklist", "coordination:dashboard"} <= menus["manager"]
    assert "measures:mine" in menus["person"]
    assert "measures:carer_home" in menus["supporter"]
    assert "measures:research_home" in menus["researcher"]
