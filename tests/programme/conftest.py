"""Programme personas: a commune recorder (reporting officer of UBND phường Kon Tum), the
province programme officer, a recorder of another commune, a statistician."""

from __future__ import annotations

import datetime

import pytest

from gbvms.programme import services
from tests.conftest import make_user


@pytest.fixture
def recorders(agencies, personas, commune_a, commune_b, province):
    return {
        "officer": personas["officer"],
        "rec_a": make_user("rec_a", (agencies["a"], "reporting_officer", commune_a)),
        "rec_b": make_user("rec_b", (agencies["b"], "reporting_officer", commune_b)),
        "stat": make_user("stat", (agencies["province"], "statistician", province)),
        "worker_a": personas["worker_a"],
    }


@pytest.fixture
def training_of(agencies, commune_a):
    def make(user, **overrides):
        fields = {
            "title": "Tập huấn kỹ năng hỗ trợ người bị bạo lực",
            "topic": "provider_skills",
            "unit": commune_a,
            "lead_agency": agencies["a"],
            "start": datetime.date(2026, 5, 10),
            "end": datetime.date(2026, 5, 11),
            "target_groups": ["collaborators", "trusted_address"],
            "participants": [
                {"group": "collaborators", "sex": "female", "count": 12},
                {"group": "collaborators", "sex": "male", "count": 3},
                {"group": "trusted_address", "sex": "female", "count": 5},
            ],
        }
        fields.update(overrides)
        return services.training_save(actor=user, **fields)

    return make
