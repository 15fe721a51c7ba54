"""Map a sharing agreement to a FHIR R4 Consent resource. Pure: no database access beyond the object.

One Consent per agreement: the base provision denies everything for the agreement's
period; nested provisions permit the supporter (a RelatedPerson) each shared part,
and each part shared only in a crisis is permitted for the emergency purpose of use.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ourplan.consent.parts import PART_ORDER, label

PART_SYSTEM = "https://ourplan.nhs.example/fhir/CodeSystem/plan-part"
SCOPE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
            "display": "Privacy Consent",
        }
    ]
}
CATEGORY = [
    {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}
]
POLICY_RULE = {
    "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]
}
RECIPIENT = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "code": "IRCP",
            "display": "information recipient",
        }
    ]
}
EMERGENCY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "ETREAT",
    "display": "Emergency Treatment",
}


def _period(start: date, end: date | None) -> dict[str, str]:
    period = {"start": start.isoformat()}
    if end is not None:
        period["end"] = end.isoformat()
    return period


def _classes(parts: list[str]) -> list[dict[str, str]]:
    return [
        {"system": PART_SYSTEM, "code": code, "display": label(code)}
        for code in PART_ORDER
        if code in parts
    ]


def consent_to_fhir(agreement: Any, *, today: date | None = None) -> dict[str, Any]:
    """The agreement as an R4 Consent (a dict ready for JSON)."""
    today = today or date.today()
    ended = agreement.ends_on is not None and agreement.ends_on < today
    status = "inactive" if agreement.revoked_at is not None or ended else "active"
    actor = [
        {
            "role": RECIPIENT,
            "reference": {
                "reference": f"RelatedPerson/{agreement.supporter_id}",
            },
        }
    ]
    period = _period(agreement.starts_on, agreement.ends_on)
    if agreement.revoked_at is not None:
        period["end"] = _as_date(agreement.revoked_at).isoformat()
    provisions: list[dict[str, Any]] = []
    shared = [str(p) for p in agreement.parts or ()]
    in_crisis = [str(p) for p in agreement.crisis_parts or () if str(p) not in shared]
    if shared:
        provisions.append({"type": "permit", "actor": actor, "class": _classes(shared)})
    if in_crisis:
        provisions.append(
            {
                "type": "permit",
                "actor": actor,
                "purpose": [EMERGENCY],
                "class": _classes(in_crisis),
            }
        )
    performer_type = "Patient" if agreement.recorded_how == "online" else "Practitioner"
    performer_id = agreement.person_id if performer_type == "Patient" else agreement.set_by_id
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(agreement.pk),
        "status": status,
        "scope": SCOPE,
        "category": CATEGORY,
        "patient": {"reference": f"Patient/{agreement.person_id}"},
        "dateTime": agreement.set_at.isoformat(),
        "performer": [{"reference": f"{performer_type}/{performer_id}"}],
        "policyRule": POLICY_RULE,
        "provision": {"type": "deny", "period": period},
    }
    if provisions:
        resource["provision"]["provision"] = provisions
    return resource


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value
