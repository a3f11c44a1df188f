"""Races against a served app (gunicorn, its own committed database: SQLite file, or
PostgreSQL under ``make test-postgres``): two providers accepting the same referral at once,
two escalation runs at once."""

from __future__ import annotations

import threading

import pytest

from tests.served import Served, served_app

ROUNDS = 20


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("races")) as app:
        yield app


def _at_once(served: Served, path: str, tokens: list[str]) -> list[int]:
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = [0] * len(tokens)

    def post(i: int) -> None:
        barrier.wait()
        statuses[i] = served.post(path, tokens[i])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_two_providers_accept_the_same_referral(served):
    """Each round: two staff of the provider accept the same referral at the same moment.
    One wins (200), the other is told it is no longer waiting (409), never a 500."""
    data = served.run("referrals.race_data", "referral_race_setup", ROUNDS)
    rounds = [
        _at_once(served, f"/api/v1/referrals/{pk}/accept", data["tokens"])
        for pk in data["referrals"]
    ]
    errors = [r for r in rounds if max(r) >= 500]
    assert errors == [], f"{len(errors)} of {ROUNDS} rounds answered 5xx: {errors}"
    assert all(sorted(r) == [200, 409] for r in rounds), rounds
    result = served.run("referrals.race_data", "referral_race_result", data["referrals"])
    assert result == {"accepted": ROUNDS, "notified": ROUNDS}


def test_two_escalation_runs_at_once_escalate_once(served):
    count = 5
    ids = served.run("referrals.race_data", "escalation_setup", count)
    result = served.run("referrals.race_data", "escalation_race", ids)
    # the sender, the case's supervisors and the provider's managers, told once per referral,
    # each by an e-mail of their own (no recipient sees the others' addresses)
    recipients = result.pop("recipients")
    assert recipients >= 3
    assert result == {
        "errors": [],
        "escalated": count,
        "notices": recipients * count,
        "distinct_notices": recipients * count,
        "emails": recipients * count,
    }
