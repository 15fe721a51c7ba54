"""Helpers for the questionnaire tests: responses for the standing person, finished or not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from ourplan.measures import services
from ourplan.measures.models import Mode, Response


@pytest.fixture
def respond(db: Any) -> Callable[..., Response]:
    """Start (and by default finish) a questionnaire with these answers."""

    def make(
        *,
        actor: Any,
        instrument: str,
        answers: Mapping[str, Any],
        person: Any = None,
        supporter: Any = None,
        staff: Any = None,
        mode: str = Mode.SELF,
        finish: bool = True,
    ) -> Response:
        response = services.start_response(
            actor=actor,
            instrument_id=instrument,
            mode=mode,
            person=person,
            supporter=supporter,
            staff=staff,
        )
        response = services.save_answers(actor=actor, response=response, answers=answers)
        if finish:
            response = services.finish_response(actor=actor, response=response)
        return response

    return make


def all_items(instrument: str, value: Any) -> dict[str, Any]:
    from ourplan.measures.catalogue import shipped_definitions

    return dict.fromkeys(shipped_definitions()[instrument].item_ids, value)
