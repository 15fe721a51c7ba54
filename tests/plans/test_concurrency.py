"""Racing saves from the same starting revision: exactly one wins, the rest are told, none is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from ourplan.plans import services
from ourplan.plans.models import AboutMe

RACERS = 100
# Threads racing at once: each holds its own connection, and PostgreSQL allows about 100
# in all, so the 100 stale saves race in waves. Every one of them starts from the same
# revision, so after the first wave every save is stale however the threads interleave.
WAVE = 20


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="true concurrent writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_one_hundred_racing_stale_updates_make_no_silent_overwrites(standing: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    part_id, revision = plan.about_me.pk, plan.about_me.revision
    opened = [
        AboutMe.objects.get(pk=part_id) for _ in range(RACERS)
    ]  # everyone opened the same revision
    outcomes: list[str] = []
    lock = threading.Lock()

    def racer(number: int, barrier: threading.Barrier) -> None:
        part = opened[number]
        try:
            barrier.wait(timeout=60)
            try:
                services.save_part(
                    actor=standing.coordinator,
                    part=part,
                    fields={"recovery_meaning": f"text {number}"},
                    revision=revision,
                    person=standing.person,
                )
            except services.EditConflict:
                result = "conflict"
            else:
                result = f"saved {number}"
        except Exception as error:
            result = f"error {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    for start in range(0, RACERS, WAVE):
        barrier = threading.Barrier(WAVE)
        threads = [
            threading.Thread(target=racer, args=(n, barrier)) for n in range(start, start + WAVE)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    saved = [o for o in outcomes if o.startswith("saved")]
    errors = [o for o in outcomes if o.startswith("error")]
    assert errors == []
    assert len(saved) == 1
    assert outcomes.count("conflict") == RACERS - 1
    final = AboutMe.objects.get(pk=part_id)
    # The stored text is the one save that was told it succeeded: nothing else slipped in.
    assert f"saved {final.recovery_meaning.split()[-1]}" == saved[0]
    assert final.revision == revision + 1
    assert final.history.count() == 2


@pytest.mark.django_db
def test_a_stale_save_is_refused_on_any_database(standing: Any) -> None:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    part = plan.about_me
    services.save_part(
        actor=standing.person_user,
        part=AboutMe.objects.get(pk=part.pk),
        fields={"what_matters": "my dog"},
        revision=1,
        person=standing.person,
    )
    with pytest.raises(services.EditConflict) as clash:
        services.save_part(
            actor=standing.coordinator,
            part=AboutMe.objects.get(pk=part.pk),
            fields={"what_matters": "my job"},
            revision=1,
            person=standing.person,
        )
    assert clash.value.current.what_matters == "my dog"
    assert AboutMe.objects.get(pk=part.pk).what_matters == "my dog"
