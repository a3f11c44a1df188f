"""The plan importer on the two real documents in the seeds and on variations written here."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gbvms.plans import vntext
from gbvms.plans.importer import parse_plan

FIXTURES = Path(__file__).parent / "fixtures"
PROVINCE_PLAN = FIXTURES / "seeds" / "province_plan_kon_tum.txt"
MINISTRY_LETTER = FIXTURES / "seeds" / "ministry_letter_212.txt"


def check_schema(result):
    """The JSON shape documented in docs/plans.md (extra keys allowed)."""
    assert isinstance(result["title"], str)
    assert result["issuer"] is None or isinstance(result["issuer"], str)
    assert result["document_number"] is None or isinstance(result["document_number"], str)
    assert result["issued_on"] is None or len(result["issued_on"]) == 10
    period = result["period"]
    for key in ("start_year", "end_year"):
        assert period[key] is None or isinstance(period[key], int)
    for key in ("start", "end"):
        assert period[key] is None or len(period[key]) == 10
    assert all(isinstance(b, str) for b in result["basis"])
    for t in result["targets"]:
        assert t["comparator"] in {">", ">=", "=", "<=", "<"}
        assert isinstance(t["value"], int | float)
        assert t["unit"] in {"%", "count"}
        assert t["year"] is None or isinstance(t["year"], int)
        assert isinstance(t["text"], str)
    for a in result["activities"]:
        assert a["code"] is None or isinstance(a["code"], str)
        assert a["group"] is None or isinstance(a["group"], str)
        assert isinstance(a["title"], str)
        assert all(isinstance(x, str) for x in a["lead"] + a["coordinating"])
        assert a["solution"] is None or isinstance(a["solution"], str)
        for phase in a["timeline"]:
            assert set(phase) >= {"from_year", "to_year", "text"}
    for r in result["responsibilities"]:
        assert isinstance(r["agency"], str)
        assert all(isinstance(d, str) for d in r["duties"])
    for r in result["reporting"]:
        assert r["kind"] in {"semiannual", "annual", "once", "other"}
        assert r["due"] is None or len(r["due"]) in (5, 10)
        assert r["to"] is None or isinstance(r["to"], str)
        assert isinstance(r["text"], str)
    for e in result["events"]:
        assert isinstance(e["title"], str)
        assert e["date"] is None or len(e["date"]) == 10
        assert e["place"] is None or isinstance(e["place"], str)
    assert all(isinstance(w, str) for w in result["warnings"])
    json.dumps(result)  # serialisable


class TestProvincePlan:
    @pytest.fixture(scope="class")
    def plan(self):
        return parse_plan(PROVINCE_PLAN.read_text(encoding="utf-8"))

    def test_header(self, plan):
        check_schema(plan)
        assert plan["title"].startswith("Kế hoạch Triển khai thực hiện Đề án")
        assert plan["title"].endswith("trên địa bàn tỉnh Kon Tum")
        assert plan["issuer"] == "UBND tỉnh Kon Tum"  # not the ministry named in the basis
        assert plan["period"]["start_year"] == 2016
        assert plan["period"]["end_year"] == 2020
        assert plan["basis"] == [
            "Quyết định số 1464/QĐ-TTg ngày 22/7/2016 của Thủ tướng Chính phủ",
            "Quyết định số 1534/QĐ-LĐTBXH ngày 08/11/2016 của Bộ Lao động - Thương binh và Xã hội",
        ]
        # the document has no number or date line: left empty and said so
        assert plan["document_number"] is None
        assert plan["issued_on"] is None
        assert any("số, ký hiệu" in w for w in plan["warnings"])

    def test_targets(self, plan):
        assert [(t["comparator"], t["value"], t["unit"], t["year"]) for t in plan["targets"]] == [
            (">", 90, "%", 2020),
            (">", 50, "%", 2020),
        ]

    def test_activities(self, plan):
        codes = [a["code"] for a in plan["activities"]]
        assert codes == ["1.1", "1.2", "1.3", "1.4", *[f"2.{i}" for i in range(1, 10)], "3", "4"]
        by_code = {a["code"]: a for a in plan["activities"]}
        first = by_code["1.1"]
        assert first["title"].startswith("Triển khai chiến dịch truyền thông")
        assert first["group"].startswith("1. Nâng cao nhận thức")
        assert first["lead"] == [
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Văn hóa, Thể thao và Du lịch",
        ]
        assert "Sở Thông tin và Truyền thông" in first["coordinating"]
        assert "Đài Phát thanh - Truyền hình tỉnh" in first["coordinating"]
        assert "Hội Nông dân tỉnh" in first["coordinating"]
        assert by_code["2.3"]["lead"] == ["Hội Liên hiệp Phụ nữ tỉnh"]
        assert by_code["2.5"]["lead"] == ["Sở Y tế"]
        assert by_code["2.8"]["lead"] == ["Sở Giáo dục và Đào tạo"]
        assert by_code["2.4"]["coordinating"][:5] == [
            "Sở Y tế", "Sở Tư pháp", "Công an tỉnh", "Tòa án tỉnh", "Hội Liên hiệp Phụ nữ tỉnh",
        ]  # fmt: skip
        phases = [(p["from_year"], p["to_year"]) for p in by_code["2.6"]["timeline"]]
        assert phases == [(2017, 2019), (2020, 2030)]
        assert [(p["from_year"], p["to_year"]) for p in by_code["2.2"]["timeline"]] == [
            (2017, 2019),
            (2020, None),  # "Từ năm 2020": no end is invented
        ]
        assert by_code["1.2"]["timeline"][0]["frequency"] == "annual"
        assert by_code["2.5"]["solution"].startswith("Đề nghị Trung ương chọn tỉnh Kon Tum")

    def test_responsibilities(self, plan):
        agencies = [r["agency"] for r in plan["responsibilities"]]
        assert agencies[:3] == ["Sở Lao động - Thương binh và Xã hội", "Sở Tài chính", "Sở Y tế"]
        assert "Báo Kon Tum" in agencies  # "11. Đài …, Báo Kon Tum: …" names two agencies
        assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in agencies  # "Đề nghị" dropped
        duties = {r["agency"]: r["duties"] for r in plan["responsibilities"]}
        assert len(duties["Sở Lao động - Thương binh và Xã hội"]) == 3
        assert duties["Sở Kế hoạch và Đầu tư"][0].startswith("Chủ trì, phối hợp")
        # the closing paragraph and the list of recipients are not anybody's duty
        all_duties = [d for ds in duties.values() for d in ds]
        assert not any("Căn cứ Kế hoạch này" in d for d in all_duties)
        assert not any("Nơi nhận" in a for a in agencies)

    def test_reporting(self, plan):
        assert [(r["kind"], r["due"], r["to"]) for r in plan["reporting"]] == [
            ("semiannual", "06-15", "Sở Lao động - Thương binh và Xã hội"),
            ("annual", "11-30", "Sở Lao động - Thương binh và Xã hội"),
        ]

    def test_campaign_periods(self, plan):
        assert (plan["campaigns"][0]["start"], plan["campaigns"][0]["end"]) == ("11-15", "12-15")


class TestMinistryLetter:
    @pytest.fixture(scope="class")
    def letter(self):
        return parse_plan(MINISTRY_LETTER.read_text(encoding="utf-8"))

    def test_header(self, letter):
        check_schema(letter)
        assert letter["document_number"] == "212/LĐTBXH-BĐG"
        assert letter["issued_on"] == "2021-01-26"
        assert letter["title"].startswith("Hướng dẫn thực hiện Chương trình Phòng ngừa")
        assert letter["issuer"] == "Bộ Lao động - Thương binh và Xã hội"
        assert (letter["period"]["start_year"], letter["period"]["end_year"]) == (2021, 2025)
        assert letter["basis"] == ["Quyết định số 2232/QĐ-TTg"]

    def test_task_groups_are_activities(self, letter):
        titles = {a["code"]: a["title"] for a in letter["activities"]}
        assert titles["2"].startswith("Truyền thông nâng cao nhận thức")
        assert titles["4"].startswith("Đào tạo, bồi dưỡng")
        assert "6" not in titles  # "Về kinh phí" is funding, not a task
        communication = next(a for a in letter["activities"] if a["code"] == "2")
        assert "mạng lưới người có ảnh hưởng" in communication["solution"]

    def test_reporting(self, letter):
        assert [(r["kind"], r["due"], r["to"]) for r in letter["reporting"]] == [
            ("annual", "12-15", "Bộ Lao động - Thương binh và Xã hội"),
        ]


class TestActionMonthPlan:
    """A district campaign plan in Markdown: upper-case heading block, campaign period, events."""

    @pytest.fixture(scope="class")
    def plan(self):
        return parse_plan((FIXTURES / "action_month.md").read_text(encoding="utf-8"))

    def test_header(self, plan):
        check_schema(plan)
        assert plan["issuer"] == "Ủy ban nhân dân huyện Ngọc Hồi"
        assert plan["document_number"] == "245/KH-UBND"
        assert plan["issued_on"] == "2022-11-02"
        assert plan["title"].startswith("Kế hoạch Tổ chức các hoạt động Tháng hành động")
        assert plan["period"] == {
            "start_year": 2022, "end_year": 2022, "start": "2022-11-15", "end": "2022-12-15",
        }  # fmt: skip
        assert "Luật Bình đẳng giới năm 2006" in plan["basis"]

    def test_targets_in_every_phrasing(self, plan):
        assert [(t["comparator"], t["value"], t["unit"]) for t in plan["targets"]] == [
            (">=", 50, "%"),  # tối thiểu
            (">=", 80, "%"),  # ít nhất
            ("=", 100, "%"),  # 100% … được …
            (">=", 2, "count"),  # ít nhất 02 địa chỉ
        ]
        assert {t["year"] for t in plan["targets"]} == {2022}

    def test_events_with_dates_and_places(self, plan):
        assert [(e["date"], e["place"]) for e in plan["events"]] == [
            ("2022-11-11", "huyện Ngọc Hồi"),  # "dự kiến sáng ngày 11/11/2022", "Tại …"
            ("2022-11-25", "Hội trường UBND xã Đăk Kan"),  # "ngày 25 tháng 11 năm 2022"
        ]

    def test_agencies_with_abbreviations_and_semicolons(self, plan):
        launch = plan["activities"][0]
        assert launch["lead"] == ["Phòng Lao động - Thương binh và Xã hội huyện"]
        assert launch["coordinating"] == [
            "Phòng Văn hóa và Thông tin", "Hội LHPN huyện", "Huyện đoàn", "UBND các xã, thị trấn",
        ]  # fmt: skip

    def test_one_off_reports(self, plan):
        assert [(r["kind"], r["due"]) for r in plan["reporting"]] == [
            ("once", "2022-12-20"),
            ("once", "2022-12-10"),
        ]


class TestCommunePlan:
    """Plain text, fields in another order, deeper numbering, a reporting section."""

    @pytest.fixture(scope="class")
    def plan(self):
        return parse_plan((FIXTURES / "commune_plan.txt").read_text(encoding="utf-8"))

    def test_everything(self, plan):
        check_schema(plan)
        assert plan["issued_on"] == "2024-01-15"  # "Đăk Tô, ngày 15/01/2024"
        assert plan["issuer"] == "Ủy ban nhân dân xã Đăk Tô"
        assert [(t["comparator"], t["value"], t["year"]) for t in plan["targets"]] == [
            (">", 95, 2025),
            (">=", 60, 2025),  # không dưới
        ]
        first, second = plan["activities"]
        assert (first["code"], first["group"]) == ("1.1", "1. Nhóm truyền thông")
        # coordinating written before lead; "và" separates two agencies
        assert first["lead"] == ["Công chức Văn hóa - Xã hội xã"]
        assert first["coordinating"] == ["Chi hội Phụ nữ các thôn", "Đoàn Thanh niên xã"]
        assert "Tại thôn 2" in first["solution"]  # sub-items belong to their activity
        assert second["lead"] == ["Hội Liên hiệp Phụ nữ xã"]
        assert second["coordinating"] == ["Công an xã", "Trạm Y tế xã"]
        assert [(p["from_year"], p["to_year"]) for p in second["timeline"]] == [
            (2024, 2024),
            (2025, None),
        ]
        assert [(r["kind"], r["due"], r["to"]) for r in plan["reporting"]] == [
            ("semiannual", "06-20", "UBND xã"),
            ("annual", "11-30", "UBND xã"),
        ]


def test_a_table_of_activities_is_read():
    text = (
        "KẾ HOẠCH\nTruyền thông năm 2025\n\nII. NỘI DUNG\n\n"
        "| TT | Nội dung hoạt động | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Tập huấn cộng tác viên | Sở Y tế | Hội LHPN tỉnh; Công an tỉnh | Quý II/2025 |\n"
        "| 2 | Hội thi | Tỉnh đoàn | | Tháng 11/2025 |\n"
    )
    result = parse_plan(text)
    check_schema(result)
    rows = [(a["code"], a["title"], a["lead"], a["coordinating"]) for a in result["activities"]]
    assert rows == [
        ("1", "Tập huấn cộng tác viên", ["Sở Y tế"], ["Hội LHPN tỉnh", "Công an tỉnh"]),
        ("2", "Hội thi", ["Tỉnh đoàn"], []),
    ]
    assert result["activities"][0]["timeline"][0]["to_year"] == 2025


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Từ năm 2017 - 2019: thí điểm", (2017, 2019)),
        ("Từ năm 2020", (2020, None)),
        ("Phấn đấu đến năm 2020", (None, 2020)),
        ("Năm 2022", (2022, 2022)),
        ("Từ năm 2020 đến năm 2030", (2020, 2030)),
        ("giai đoạn 2021 -2025", (2021, 2025)),
        ("hàng năm", (None, None)),
        ("Sau khi có hướng dẫn", (None, None)),
    ],
)
def test_year_phrases(text, expected):
    assert vntext.year_range(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/6", [(15, 6, None)]),
        ("06/4/2021", [(6, 4, 2021)]),
        ("ngày 31 tháng 12 năm 2022", [(31, 12, 2022)]),
        ("từ 15-11-2022", [(15, 11, 2022)]),
        ("31/2", []),  # not a date
        ("1464/QĐ-TTg", []),
    ],
)
def test_dates(text, expected):
    assert [d[:3] for d in vntext.find_dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("có trên 90% được hỗ trợ", (">", 90, "%")),
        ("tối thiểu 50% số xã", (">=", 50, "%")),
        ("ít nhất 80% cán bộ", (">=", 80, "%")),
        ("100% cán bộ được tập huấn", ("=", 100, "%")),
        ("giảm xuống dưới 5% số hộ", ("<", 5, "%")),
        ("không quá 10% số vụ", ("<=", 10, "%")),
        ("bạo lực trên cơ sở giới", None),
    ],
)
def test_target_phrases(text, expected):
    assert vntext.find_target(text) == expected


def test_agency_names_are_normalised():
    same = [
        "Sở LĐTBXH",
        "Sở Lao động - Thương binh và Xã hội tỉnh",
        "SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI",
    ]
    assert len({vntext.agency_key(n) for n in same}) == 1
    assert vntext.agency_key("Hội LHPN tỉnh") == vntext.agency_key("Hội Liên hiệp Phụ nữ tỉnh")
    assert vntext.agency_key("UBND tỉnh Kon Tum") == vntext.agency_key("Ủy ban nhân dân tỉnh")
    assert vntext.agency_key("Sở Y tế") != vntext.agency_key("Sở Tư pháp")
    # "xã hội" (social) is not a commune: the name keeps it
    social = vntext.agency_key("Trung tâm Công tác xã hội tỉnh")
    assert social == vntext.agency_key("Trung tâm Công tác xã hội tỉnh Quảng Ngãi")
    assert social != vntext.agency_key("Trung tâm Công tác")


def test_phases_on_one_line_are_split():
    from gbvms.plans.importer import timeline_of

    phases = timeline_of([("Từ năm 2026 - 2028: thí điểm; Từ năm 2029: nhân rộng", 7)])
    assert [(p["from_year"], p["to_year"]) for p in phases] == [(2026, 2028), (2029, None)]
    # a ';' inside a phase's text does not split it
    assert len(timeline_of([("Năm 2026: tập huấn; hội thảo", 3)])) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text_gives_a_valid_result(text):
    check_schema(parse_plan(text))


PIECES = [
    "I. MỤC TIÊU",
    "II. NỘI DUNG",
    "IV. TỔ CHỨC THỰC HIỆN",
    "1.",
    "1.1.",
    "2.4.",
    "a)",
    "- ",
    "+ ",
    "Hoạt động 3:",
    "Cơ quan chủ trì:",
    "Cơ quan phối hợp:",
    "Thời gian thực hiện:",
    "Địa điểm:",
    "Sở Y tế",
    ", ",
    "; ",
    " và ",
    "trên 90%",
    "100%",
    "năm 2020",
    "Từ năm 2017 - 2019",
    "trước ngày 15/6",
    "15/11/2022",
    "ngày 31 tháng 12 năm 2022",
    "báo cáo",
    "định kỳ 06 tháng",
    "Số: 1/KH-UBND",
    "Hà Nội, ngày 1 tháng 2 năm 2023",
    "KẾ HOẠCH",
    "\n",
    "\n\n",
    "**",
    "#",
    "| TT | Nội dung | Chủ trì |",
    "|---|",
    "Nơi nhận:",
    "Từ ngày 15/11 đến ngày 15/12",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=80))
def test_plan_like_noise_gives_a_valid_result(pieces):
    check_schema(parse_plan("".join(pieces)))


class TestDistrictOfficePlan:
    """A department's plan under its superior body, '1)' items, one-line lead-and-partners,
    a reporting line without 'ngày', and a section on theme and timing that holds no activity."""

    @pytest.fixture(scope="class")
    def plan(self):
        return parse_plan((FIXTURES / "district_office_plan.txt").read_text(encoding="utf-8"))

    def test_everything(self, plan):
        check_schema(plan)
        assert plan["issuer"] == "PHÒNG LAO ĐỘNG - TB&XH"  # not its superior, UBND huyện
        assert plan["document_number"] == "35/KH-LĐTBXH"
        assert plan["issued_on"] == "2022-11-05"
        assert (plan["period"]["start"], plan["period"]["end"]) == ("2022-11-15", "2022-12-15")
        rally, banners = plan["activities"]
        assert rally["title"] == "Tổ chức Lễ mít tinh hưởng ứng"
        assert rally["lead"] == ["Phòng Lao động - TB&XH"]
        assert rally["coordinating"] == ["Phòng Văn hóa và Thông tin", "Hội LHPN huyện"]
        assert banners["lead"] == ["UBND các xã, thị trấn"]
        assert [(e["date"], e["place"]) for e in plan["events"]] == [
            ("2022-11-25", "Hội trường UBND huyện")
        ]
        assert [(r["kind"], r["due"]) for r in plan["reporting"]] == [
            ("once", "2022-12-20"), ("semiannual", "06-15"), ("annual", "12-15"),
        ]  # fmt: skip
        # the fixture stops before the recipients and the signature: the one doubt named
        assert [w for w in plan["warnings"] if "Nơi nhận" not in w] == []
        assert any("Nơi nhận" in w for w in plan["warnings"])


def test_markdown_plan_with_bold_labels_and_baselines():
    plan = parse_plan((FIXTURES / "city_programme_plan.md").read_text(encoding="utf-8"))
    check_schema(plan)
    # the line under "KẾ HOẠCH" is the title even though it begins like a preamble
    assert plan["title"].startswith("Kế hoạch Thực hiện Chương trình phòng ngừa")
    assert (plan["period"]["start_year"], plan["period"]["end_year"]) == (2021, 2025)
    assert plan["issuer"] == "Ủy ban nhân dân thành phố Đà Nẵng"
    # "đạt 90%", "Ít nhất 70%", and a reduction whose "so với năm 2020" is only the baseline
    assert [(t["comparator"], t["value"], t["year"]) for t in plan["targets"]] == [
        (">=", 90, 2025), (">=", 70, 2025), (">=", 10, 2025),
    ]  # fmt: skip
    assert [(a["code"], a["lead"]) for a in plan["activities"]] == [
        ("2.1", ["Sở Lao động - Thương binh và Xã hội"]),
        ("2.2", ["Sở Y tế", "Công an thành phố"]),
    ]
    assert [(r["kind"], r["due"]) for r in plan["reporting"]] == [
        ("annual", "12-15"), ("semiannual", "06-15"), ("annual", "11-15"),
    ]  # fmt: skip


def test_several_fields_on_one_line():
    plan = parse_plan(
        "KẾ HOẠCH\nCông tác năm 2026\nII. NỘI DUNG\n1. Tập huấn cán bộ\n"
        "- Chủ trì: Sở Y tế; phối hợp: Công an tỉnh, Hội LHPN tỉnh. Thời gian thực hiện: "
        "Quý III/2026\n2. Hội thi\n- Cơ quan chủ trì: Tỉnh đoàn.\n"
    )
    training, contest = plan["activities"]
    assert training["lead"] == ["Sở Y tế"]
    assert training["coordinating"] == ["Công an tỉnh", "Hội LHPN tỉnh"]
    assert [(p["from_year"], p["to_year"]) for p in training["timeline"]] == [(2026, 2026)]
    assert contest["lead"] == ["Tỉnh đoàn"]
