"""FHIR R4 mappers: a definition as a Questionnaire, a response as a QuestionnaireResponse,
and each score as an Observation derived from it. Checked with ``fhir.resources`` (its R4B
models, which match R4 for these resources).

The Questionnaire carries each item's identifier and ourplan's short label, never the
licensed wording. A research export names its subjects by a respondent code only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ourplan.measures.scoring import Definition

BASE = "https://ourplan.nhs.example/fhir"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
RESPONDENT_CODE = f"{BASE}/Id/respondent-code"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
NOT_APPLICABLE = "na"
DECLINED = "declined"


def questionnaire_url(definition: Definition) -> str:
    return f"{BASE}/Questionnaire/{definition.id}"


def answer_system(definition: Definition) -> str:
    return f"{BASE}/CodeSystem/{definition.id}-answers"


def _options(definition: Definition) -> list[dict[str, Any]]:
    system = answer_system(definition)
    options = [
        {
            "valueCoding": {
                "system": system,
                "code": str(value),
                "display": str(definition.scale.labels.get(value, value)),
            }
        }
        for value in definition.scale.values
    ]
    if definition.scale.not_applicable:
        options.append(
            {"valueCoding": {"system": system, "code": NOT_APPLICABLE, "display": "Not applicable"}}
        )
    if definition.scale.prefer_not_to_answer is not None:
        options.append(
            {"valueCoding": {"system": system, "code": DECLINED, "display": "Prefer not to answer"}}
        )
    return options


def questionnaire(definition: Definition) -> dict[str, Any]:
    """The instrument as a FHIR Questionnaire (items by identifier and short label)."""
    options = _options(definition)
    return {
        "resourceType": "Questionnaire",
        "id": definition.id.replace("_", "-"),
        "url": questionnaire_url(definition),
        "version": definition.version,
        "name": re.sub(r"[^A-Za-z0-9]", "", definition.short_name.title()) or "Questionnaire",
        "title": definition.name,
        "status": "active",
        "description": definition.description or definition.name,
        "copyright": definition.licence,
        "item": [
            {"linkId": item.id, "text": item.label, "type": "choice", "answerOption": options}
            for item in definition.items
        ],
    }


def _subject(subject: Mapping[str, Any]) -> dict[str, Any]:
    if "nhs_number" in subject:
        return {
            "reference": f"Patient/{subject['patient_id']}",
            "identifier": {"system": NHS_NUMBER, "value": subject["nhs_number"]},
        }
    return {
        "identifier": {"system": RESPONDENT_CODE, "value": subject["code"]},
        "display": "Respondent",
    }


def questionnaire_response(
    definition: Definition,
    *,
    resource_id: str,
    answers: Mapping[str, Any],
    complete: bool,
    authored: str,
    subject: Mapping[str, Any],
) -> dict[str, Any]:
    system = answer_system(definition)
    items = []
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            continue
        code = str(value)
        display = (
            "Not applicable"
            if value == NOT_APPLICABLE
            else "Prefer not to answer"
            if value == DECLINED
            else str(definition.scale.labels.get(int(value), value))
        )
        items.append(
            {
                "linkId": item.id,
                "text": item.label,
                "answer": [{"valueCoding": {"system": system, "code": code, "display": display}}],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id,
        "questionnaire": f"{questionnaire_url(definition)}|{definition.version}",
        "status": "completed" if complete else "in-progress",
        "subject": _subject(subject),
        "authored": authored,
    }
    if items:
        resource["item"] = items
    return resource


def score_observation(
    definition: Definition,
    *,
    resource_id: str,
    response_id: str,
    score_id: str,
    value: float | None,
    effective: str,
    subject: Mapping[str, Any],
    version: str,
) -> dict[str, Any]:
    rule = definition.score(score_id)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [SURVEY],
        "code": {
            "coding": [
                {
                    "system": f"{BASE}/CodeSystem/scores",
                    "code": f"{definition.id}.{score_id}",
                    "display": f"{definition.short_name}: {rule.name}",
                }
            ],
            "text": f"{definition.short_name}: {rule.name} (definition version {version})",
        },
        "subject": _subject(subject),
        "effectiveDateTime": effective,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id}"}],
    }
    if value is None:
        observation["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-performed",
                    "display": "Not Performed",
                }
            ],
            "text": "Too few items answered to score",
        }
    else:
        observation["valueQuantity"] = {"value": round(float(value), 6), "unit": "score"}
    return observation


def bundle(resources: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"{BASE}/{r['resourceType']}/{r['id']}", "resource": dict(r)}
            for r in resources
        ],
    }


def validate(resource: Mapping[str, Any]) -> None:
    """Raise if the resource (or bundle) does not validate against the FHIR models."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class(resource["resourceType"]).model_validate(dict(resource))
