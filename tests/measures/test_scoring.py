"""Scoring: hand-worked examples for every shipped definition, the answered-share boundary,
N/A codes, reverse keys, and properties (reversing twice is the identity; scores do not
depend on item order). Pure: no database."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ourplan.measures.catalogue import shipped_definitions
from ourplan.measures.scoring import (
    DefinitionError,
    ScoringError,
    definition_digest,
    keyed_answers,
    parse_definition,
    reverse_answer,
    score_matrix,
    score_response,
)

DEFINITIONS = shipped_definitions()


def scores(instrument: str, answers: dict[str, Any]) -> dict[str, float | None]:
    return {k: v.value for k, v in score_response(DEFINITIONS[instrument], answers).items()}


def items(instrument: str) -> tuple[str, ...]:
    return DEFINITIONS[instrument].item_ids


def test_every_instrument_the_issue_names_ships() -> None:
    assert set(DEFINITIONS) >= {
        "rsa_person",
        "rsa_provider",
        "star_p",
        "star_c",
        "empowerment",
        "qpr15",
        "dialog",
        "reqol10",
        "gbo",
        "carer_wellbeing",
        "review_check",
    }
    for definition in DEFINITIONS.values():
        assert definition.source and definition.licence and definition.key_check


def test_item_counts_and_subscale_sizes_match_the_seed() -> None:
    # Seed 001, chapter 2: RSA 36 items in five domains; STAR-P 12 items (6 + 3 + 3, scored
    # 0-24, 0-12, 0-12, total 0-48); ES 28 items in five subscales.
    rsa = DEFINITIONS["rsa_person"]
    assert len(rsa.items) == 36
    assert [s.name for s in rsa.subscales] == [
        "Life goals",
        "Involvement",
        "Diversity of treatment options",
        "Choice",
        "Individually tailored services",
    ]
    star = DEFINITIONS["star_p"]
    ranges = {s.id: s.score_range(star.scale) for s in star.scores}
    assert ranges == {
        "positive_collaboration": (0, 24),
        "positive_input": (0, 12),
        "non_supportive_input": (0, 12),
        "total": (0, 48),
    }
    es = DEFINITIONS["empowerment"]
    assert len(es.items) == 28 and len(es.subscales) == 5
    assert es.score("total").score_range(es.scale) == (1, 4)


def test_reference_values_are_the_seeds() -> None:
    # Seed 001 table 6 (McGuire-Snieckus et al., N = 133) and table 5 (Wowra and McCarter,
    # N = 283), and chapter 2 for the RSA (O'Connell et al.).
    star = {r.score: (r.mean, r.sd, r.n) for r in DEFINITIONS["star_p"].reference_values}
    assert star == {
        "positive_collaboration": (19.9, 6.7, 133),
        "positive_input": (9.3, 3.0, 133),
        "non_supportive_input": (9.3, 3.3, 133),
        "total": (38.4, 12.0, 133),
    }
    es = {r.score: (r.mean, r.sd) for r in DEFINITIONS["empowerment"].reference_values}
    assert es == {
        "self_esteem": (2.82, None),
        "power": (2.51, None),
        "activism": (3.12, None),
        "optimism": (2.72, None),
        "righteous_anger": (2.34, None),
        "total": (2.74, 0.34),
    }
    assert [(r.mean, r.sd) for r in DEFINITIONS["rsa_person"].reference_values] == [(4.06, 0.69)]
    assert [(r.mean, r.sd) for r in DEFINITIONS["rsa_provider"].reference_values] == [(3.87, 0.62)]


def test_rsa_subscale_assignments_reported_in_the_seed() -> None:
    # Seed 001 tables 8-42 name the subscale of each top-rated item.
    rsa = DEFINITIONS["rsa_person"]
    reported = {
        "RSA13": "choice", "RSA07": "choice", "RSA11": "choice", "RSA10": "choice", "RSA06": "choice",
        "RSA33": "life_goals", "RSA36": "life_goals", "RSA22": "life_goals", "RSA16": "life_goals",
        "RSA26": "life_goals", "RSA24": "life_goals", "RSA25": "life_goals", "RSA29": "life_goals",
        "RSA14": "life_goals", "RSA35": "life_goals", "RSA23": "life_goals",
        "RSA05": "tailored_services", "RSA01": "tailored_services", "RSA02": "tailored_services",
        "RSA08": "treatment_options",
    }  # fmt: skip
    for item_id, subscale in reported.items():
        assert rsa.item(item_id).subscales == (subscale,), item_id


# ----------------------------------------------------------------------------- hand-worked


def test_rsa_hand_worked() -> None:
    # Every item 3 except the twelve life goals items (5); item 13 not applicable (code 9).
    life_goals = {
        "RSA14",
        "RSA16",
        "RSA22",
        "RSA23",
        "RSA24",
        "RSA25",
        "RSA26",
        "RSA29",
        "RSA31",
        "RSA33",
        "RSA35",
        "RSA36",
    }
    answers = {i: (5 if i in life_goals else 3) for i in items("rsa_person")}
    answers["RSA13"] = 9
    result = score_response(DEFINITIONS["rsa_person"], {**answers, "RSA13": "na"})
    assert result["life_goals"].value == 5.0
    assert result["choice"].value == 3.0 and result["choice"].answered == 5
    # Total: 35 answered, 12 x 5 + 23 x 3 = 129; 129 / 35.
    assert result["total"].value == pytest.approx(129 / 35)
    assert result["total"].answered == 35
    # The N/A code itself, as it comes from a file, is also not answered.
    table = score_matrix(DEFINITIONS["rsa_person"], [[answers[i] for i in items("rsa_person")]])
    assert table.values["total"][0] == pytest.approx(129 / 35)


def test_star_p_hand_worked_reverses_the_non_supportive_items() -> None:
    # "Never" (0) on the three non-supportive items is the best answer: 4 each, 12 in all.
    answers = dict.fromkeys(items("star_p"), 3)
    answers.update({"STARP04": 0, "STARP07": 0, "STARP09": 0})
    assert scores("star_p", answers) == {
        "positive_collaboration": 18.0,
        "positive_input": 9.0,
        "non_supportive_input": 12.0,
        "total": 39.0,
    }
    # Prorating: one collaboration item unanswered keeps the total on the 0-48 range.
    del answers["STARP02"]
    result = score_response(DEFINITIONS["star_p"], answers)
    assert result["positive_collaboration"].value == 18.0
    assert result["positive_collaboration"].answered == 5
    assert result["total"].value == pytest.approx((15 + 9 + 12) / 11 * 12)


def test_empowerment_hand_worked() -> None:
    # "Agree" (2) throughout: positively worded items become 5 - 2 = 3, the ten negatively
    # worded ones stay 2.
    result = scores("empowerment", dict.fromkeys(items("empowerment"), 2))
    assert result["self_esteem"] == 3.0
    assert result["power"] == 2.0
    assert result["activism"] == 3.0
    assert result["optimism"] == 3.0
    assert result["righteous_anger"] == pytest.approx((2 + 2 + 2 + 3) / 4)
    assert result["total"] == pytest.approx((18 * 3 + 10 * 2) / 28)


def test_qpr15_hand_worked() -> None:
    assert scores("qpr15", dict.fromkeys(items("qpr15"), 2)) == {"total": 30.0}
    eight = dict.fromkeys(items("qpr15")[:8], 3)
    assert scores("qpr15", eight) == {"total": 45.0}  # prorated: mean 3 x 15 items
    assert scores("qpr15", dict.fromkeys(items("qpr15")[:7], 3)) == {"total": None}


def test_dialog_hand_worked() -> None:
    values = dict(zip(items("dialog"), [4, 5, 6, 7, 4, 5, 6, 7, 2, 3, 4], strict=True))
    assert scores("dialog", values) == {"life": 5.5, "treatment": 3.0}


def test_reqol_shell_needs_every_item_and_its_licensed_reverse_keys() -> None:
    reqol = DEFINITIONS["reqol10"]
    assert reqol.licensed_key and not reqol.reverse_items()
    assert scores("reqol10", dict.fromkeys(items("reqol10"), 2)) == {"total": 20.0}
    assert scores("reqol10", dict.fromkeys(items("reqol10")[:9], 2)) == {"total": None}
    keyed = reqol.with_reverse_keys(["REQOL01"])
    answers = dict.fromkeys(items("reqol10"), 2) | {"REQOL01": 4}
    assert score_response(keyed, answers)["total"].value == 18.0  # 0 + 9 x 2


def test_goal_based_outcomes_hand_worked() -> None:
    assert scores("gbo", {"GOAL1": 3, "GOAL2": 7}) == {"mean_progress": 5.0}
    assert scores("gbo", {"GOAL3": 8}) == {"mean_progress": 8.0}


def test_carer_wellbeing_hand_worked_with_its_band() -> None:
    answers = {"CW1": 4, "CW2": 4, "CW3": 4, "CW4": 4, "CW5": 0, "CW6": 4}
    assert scores("carer_wellbeing", answers) == {"wellbeing": 4.0}
    band = DEFINITIONS["carer_wellbeing"].interpretation_for("wellbeing")
    assert band is not None and band.band_for(4.0).label.startswith("Things are mostly going well")
    assert band.band_for(1.0).label.startswith("Things sound hard")


def test_review_check_hand_worked() -> None:
    answers = dict(zip(items("review_check"), [5, 4, 3, 2, 1], strict=True))
    assert scores("review_check", answers) == {"review": 3.0}


def test_provider_and_clinician_versions_score_like_their_counterparts() -> None:
    answers = dict.fromkeys(items("rsa_provider"), 4)
    assert scores("rsa_provider", answers)["total"] == 4.0
    star_c = dict.fromkeys(items("star_c"), 2)
    assert scores("star_c", star_c)["total"] == 24.0


def test_rsa_provider_hand_worked_with_not_applicable_and_the_half_rule() -> None:
    rsa = DEFINITIONS["rsa_provider"]
    choice = rsa.score("choice").items
    assert len(choice) == 6
    # Choice items 5, 4, 3 and three "not applicable" (9): exactly half answered, mean 4.
    table = score_matrix(
        rsa,
        [[{0: 5, 1: 4, 2: 3}.get(choice.index(i), 9) if i in choice else 2 for i in rsa.item_ids]],
    )
    assert table.values["choice"][0] == 4.0 and table.answered["choice"][0] == 3
    # Every other item 2: the total is (5 + 4 + 3 + 30 x 2) / 33.
    assert table.values["total"][0] == pytest.approx(72 / 33)
    # One more "not applicable" in Choice: under half, so no Choice score.
    fewer = {choice[0]: 5, choice[1]: 4} | {i: 2 for i in rsa.item_ids if i not in choice}
    assert scores("rsa_provider", fewer)["choice"] is None


def test_star_c_hand_worked_reverses_the_emotional_difficulties_items() -> None:
    star = DEFINITIONS["star_c"]
    assert set(star.reverse_items()) == {"STARC04", "STARC07", "STARC09"}
    # "Often" (3) throughout: the three difficulties items become 4 - 3 = 1.
    result = scores("star_c", dict.fromkeys(items("star_c"), 3))
    assert result == {
        "positive_collaboration": 18.0,
        "positive_input": 9.0,
        "emotional_difficulties": 3.0,
        "total": 30.0,
    }
    # "Never" (0) on the difficulties items is the best answer: 12.
    answers = dict.fromkeys(items("star_c"), 3) | {"STARC04": 0, "STARC07": 0, "STARC09": 0}
    assert scores("star_c", answers)["emotional_difficulties"] == 12.0
    # Prefer not to answer (8) on one difficulties item: prorated, (4 + 4) / 2 x 3.
    coded = [8 if i == "STARC04" else answers[i] for i in star.item_ids]
    table = score_matrix(star, [coded])
    assert table.values["emotional_difficulties"][0] == 12.0
    assert table.answered["emotional_difficulties"][0] == 2


# ----------------------------------------------------------------------------- the 50% rule


@pytest.mark.parametrize(("answered", "scored"), [(17, False), (18, True), (19, True)])
def test_rsa_total_at_exactly_half_just_under_and_just_over(answered: int, scored: bool) -> None:
    # 36 items: 18 is exactly 50% (COCAPP's rule, seed 001 chapter 2).
    answers = dict.fromkeys(items("rsa_person")[:answered], 4)
    total = score_response(DEFINITIONS["rsa_person"], answers)["total"]
    assert total.answered == answered
    assert (total.value == 4.0) if scored else (total.value is None)


@pytest.mark.parametrize(("answered", "scored"), [(2, False), (3, True), (4, True)])
def test_a_subscale_of_six_at_half_just_under_and_just_over(answered: int, scored: bool) -> None:
    choice = DEFINITIONS["rsa_person"].score("choice").items
    answers = dict.fromkeys(choice[:answered], 2)
    value = scores("rsa_person", answers)["choice"]
    assert (value == 2.0) if scored else (value is None)


def test_prefer_not_to_answer_counts_as_not_answered() -> None:
    answers = dict.fromkeys(items("rsa_person")[:18], 4)
    answers[items("rsa_person")[0]] = "declined"
    assert scores("rsa_person", answers)["total"] is None  # 17 answered now
    coded = [
        8 if i == items("rsa_person")[0] else (4 if n < 18 else math.nan)
        for n, i in enumerate(items("rsa_person"))
    ]
    table = score_matrix(DEFINITIONS["rsa_person"], [coded])
    assert math.isnan(table.values["total"][0]) and table.answered["total"][0] == 17


def test_answers_off_the_scale_are_refused() -> None:
    row = [4.0] * 36
    row[5] = 6.0
    with pytest.raises(ScoringError, match=r"RSA06 has the answer 6 in row 1"):
        score_matrix(DEFINITIONS["rsa_person"], [row])
    row[5] = 2.5
    with pytest.raises(ScoringError, match="RSA06"):
        score_matrix(DEFINITIONS["rsa_person"], [row])


def test_the_matrix_and_the_single_response_agree() -> None:
    rng = np.random.default_rng(7)
    definition = DEFINITIONS["empowerment"]
    table = rng.integers(1, 5, size=(200, 28)).astype(float)
    table[rng.random(table.shape) < 0.3] = np.nan
    whole = score_matrix(definition, table)
    for row in range(200):
        answers = {
            item: int(table[row, i])
            for i, item in enumerate(definition.item_ids)
            if not np.isnan(table[row, i])
        }
        one = score_response(definition, answers)
        for score_id, value in one.items():
            expected = whole.values[score_id][row]
            assert (value.value is None and np.isnan(expected)) or value.value == pytest.approx(
                expected
            )


def test_scoring_in_chunks_gives_the_same_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    from ourplan.measures import scoring

    definition = DEFINITIONS["star_p"]
    table = np.random.default_rng(3).integers(0, 5, size=(1000, 12)).astype(float)
    whole = score_matrix(definition, table)
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 7)
    chunked = score_matrix(definition, table)
    for score_id in whole.score_ids:
        assert np.array_equal(whole.values[score_id], chunked.values[score_id], equal_nan=True)


# ----------------------------------------------------------------------------- properties


@given(st.sampled_from(sorted(DEFINITIONS)), st.data())
@settings(max_examples=60, deadline=None)
def test_reversing_twice_is_the_identity(instrument: str, data: st.DataObject) -> None:
    definition = DEFINITIONS[instrument]
    scale = definition.scale
    value = data.draw(st.integers(scale.low, scale.high))
    assert reverse_answer(scale, reverse_answer(scale, value)) == value
    row = data.draw(
        st.lists(
            st.integers(scale.low, scale.high),
            min_size=len(definition.items),
            max_size=len(definition.items),
        )
    )
    everything_reversed = definition.with_reverse_keys(definition.item_ids)
    once = keyed_answers(everything_reversed, [row])
    twice = keyed_answers(everything_reversed, once)
    assert np.array_equal(twice, np.array([row], dtype=float))


@given(st.sampled_from(sorted(set(DEFINITIONS) - {"reqol10"})), st.data())
@settings(max_examples=60, deadline=None)
def test_scores_do_not_depend_on_item_order(instrument: str, data: st.DataObject) -> None:
    definition = DEFINITIONS[instrument]
    scale = definition.scale
    answer = st.one_of(st.integers(scale.low, scale.high), st.none())
    values = data.draw(
        st.lists(answer, min_size=len(definition.items), max_size=len(definition.items))
    )
    answers = {
        item: v for item, v in zip(definition.item_ids, values, strict=True) if v is not None
    }
    order = data.draw(st.permutations(list(range(len(definition.items)))))
    raw = dict(definition.raw)
    raw["items"] = [raw["items"][i] for i in order]
    shuffled = parse_definition(raw)
    first = score_response(definition, answers)
    second = score_response(shuffled, answers)
    for score_id, value in first.items():
        other = second[score_id]
        assert other.answered == value.answered
        assert (value.value is None and other.value is None) or other.value == pytest.approx(
            value.value
        )


# ----------------------------------------------------------------------------- definitions


def _minimal(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "tiny",
        "name": "Tiny",
        "version": "1",
        "licence": "test",
        "source": "test",
        "respondent": "person",
        "response_scale": {"min": 0, "max": 3, "not_applicable": [9]},
        "items": [{"id": "A", "label": "a"}, {"id": "B", "label": "b", "reverse": True}],
        "scores": [{"id": "total", "items": "all", "method": "sum", "min_answered": 1.0}],
    }
    raw.update(changes)
    return raw


def test_a_minimal_definition_scores_plain_sums() -> None:
    definition = parse_definition(_minimal())
    assert score_response(definition, {"A": 1, "B": 0})["total"].value == 4.0  # 1 + (3 - 0)
    assert score_response(definition, {"A": 1})["total"].value is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"respondent": "dog"}, "respondent must be one of"),
        ({"response_scale": {"min": 3, "max": 1}}, "min must be below max"),
        ({"response_scale": {"min": 0, "max": 3, "not_applicable": [2]}}, "also on the scale"),
        ({"items": [{"id": "A", "label": "a"}, {"id": "A", "label": "b"}]}, "used twice"),
        ({"scores": [{"id": "total", "items": ["Z"]}]}, "'Z' is not one of the items"),
        ({"scores": [{"id": "total", "method": "median"}]}, "method must be one of"),
        ({"scores": [{"id": "total", "min_answered": 50}]}, "write 50% as 0.5"),
        ({"colour": "blue"}, "Unknown key 'colour'"),
        (
            {"reference_values": [{"score": "nope", "mean": 1, "source": "x"}]},
            "'nope' is not one of the scores",
        ),
    ],
)
def test_malformed_definitions_are_refused_with_a_clear_message(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DefinitionError, match=message):
        parse_definition(_minimal(**changes))


def test_the_digest_ignores_layout_but_not_content() -> None:
    raw = _minimal()
    assert definition_digest(raw) == definition_digest(dict(reversed(list(raw.items()))))
    assert definition_digest(raw) != definition_digest(_minimal(version="2"))
