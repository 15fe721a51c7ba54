"""Store every NHS number as ten ASCII digits.

Earlier code accepted digits from other scripts (e.g. Arabic-Indic) and kept them as typed,
so the same number could be stored twice and could not be found by searching. This turns
every stored number into its canonical form. The rule is written out here rather than
imported, so this migration means the same thing however the live code changes later.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import migrations


def _canonical(raw: str) -> str:
    out = []
    for character in raw or "":
        if character.isspace() or unicodedata.category(character) == "Pd" or character == "\u2212":
            continue
        digit = unicodedata.decimal(character, None)
        out.append(str(digit) if digit is not None else character)
    return "".join(out)


def canonicalise_nhs_numbers(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    changes = []
    for person_id, stored in Person.objects.values_list("id", "nhs_number").iterator():
        canonical = _canonical(stored)
        if canonical != stored:
            changes.append((person_id, canonical))
    for person_id, canonical in changes:
        holder = Person.objects.filter(nhs_number=canonical).exclude(id=person_id).first()
        if holder is not None:
            # Two records for one NHS number: a person must decide which is right.
            raise RuntimeError(
                f"People records {holder.id} and {person_id} have the same NHS number "
                "written in different digits. Restrict or correct one of them with the "
                "previous release, then run `ourplan migrate` again."
            )
        Person.objects.filter(id=person_id).update(nhs_number=canonical)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_supporter_roles"),
    ]

    operations = [
        migrations.RunPython(canonicalise_nhs_numbers, migrations.RunPython.noop),
    ]
