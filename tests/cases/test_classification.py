"""Table-driven tests of the GBVIMS classifier, the context derivation and reporting buckets."""

import pytest

from gbvms.cases.classification import (
    NON_GBV,
    QUESTIONS,
    classify_type,
    derive_context,
    next_question,
    reporting_bucket,
)

ORDER = [q.code for q in QUESTIONS]


def answers_until(yes: str | None) -> dict[str, bool]:
    """'no' to every question before ``yes``, then 'yes' (all 'no' when yes is None)."""
    result = {}
    for code in ORDER:
        result[code] = code == yes
        if code == yes:
            break
    return result


def test_order_is_the_gbvims_order():
    assert ORDER == [
        "rape",
        "sexual_assault",
        "physical_assault",
        "forced_marriage",
        "denial_of_resources",
        "psychological_abuse",
    ]


@pytest.mark.parametrize("expected", [*ORDER, None])
def test_first_yes_decides_the_type(expected):
    assert classify_type(answers_until(expected)) == (expected or NON_GBV)


@pytest.mark.parametrize("first_yes", ORDER)
def test_later_yes_answers_do_not_change_the_type(first_yes):
    answers = {code: True for code in ORDER}
    for code in ORDER[: ORDER.index(first_yes)]:
        answers[code] = False
    assert classify_type(answers) == first_yes


@pytest.mark.parametrize("answered", range(len(ORDER)))
def test_incomplete_answers_give_no_type_and_the_next_question(answered):
    answers = {code: False for code in ORDER[:answered]}
    assert classify_type(answers) is None
    assert next_question(answers).code == ORDER[answered]


def test_no_more_questions_after_a_yes_or_the_last_no():
    assert next_question({"rape": True}) is None
    assert next_question(answers_until(None)) is None


# ruff: noqa: E501
CONTEXT_CASES = [
    # type, age, relationships, exchange, abduction, htp, expected
    ("physical_assault", 30, ["intimate_partner"], False, False, False, ["intimate_partner_violence"]),
    ("psychological_abuse", 30, ["former_partner"], False, False, False, ["intimate_partner_violence"]),
    ("physical_assault", 30, ["family_member"], False, False, False, []),
    (NON_GBV, 30, ["intimate_partner"], False, False, False, []),
    ("rape", 15, ["teacher"], False, False, False, ["child_sexual_abuse"]),
    ("sexual_assault", 17, ["neighbour"], False, False, False, ["child_sexual_abuse"]),
    ("rape", 18, ["neighbour"], False, False, False, []),
    ("rape", None, ["stranger"], False, False, False, []),
    ("physical_assault", 10, ["caregiver"], False, False, False, []),
    ("forced_marriage", 16, ["family_member"], False, False, False, ["early_marriage"]),
    ("forced_marriage", 19, ["family_member"], False, False, False, []),
    ("rape", 25, ["stranger"], True, False, False, ["possible_sexual_exploitation"]),
    ("physical_assault", 25, ["stranger"], True, False, False, []),
    ("sexual_assault", 25, ["stranger"], False, True, False, ["possible_sexual_slavery"]),
    ("denial_of_resources", 40, ["family_member"], False, False, True, ["harmful_traditional_practice"]),
    ("denial_of_resources", 40, ["family_member"], False, False, False, []),
    (
        "rape",
        14,
        ["intimate_partner"],
        True,
        True,
        False,
        [
            "intimate_partner_violence",
            "child_sexual_abuse",
            "possible_sexual_exploitation",
            "possible_sexual_slavery",
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("gbv_type", "age", "relationships", "exchange", "abduction", "htp", "expected"),
    CONTEXT_CASES,
)
def test_context(gbv_type, age, relationships, exchange, abduction, htp, expected):
    assert (
        derive_context(
            gbv_type,
            age_at_incident=age,
            relationships=relationships,
            exchange=exchange,
            abduction=abduction,
            harmful_traditional_practice=htp,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "0-3d"),
        (3, "0-3d"),
        (4, "4-5d"),
        (5, "4-5d"),
        (6, "6-14d"),
        (14, "6-14d"),
        (15, "2w-1m"),
        (30, "2w-1m"),
        (31, "over-1m"),
        (400, "over-1m"),
    ],
)
def test_reporting_buckets(days, bucket):
    assert reporting_bucket(days) == bucket


def test_report_before_incident_is_refused():
    with pytest.raises(ValueError, match="precede"):
        reporting_bucket(-1)
