"""Single rules of the importer, each on a few lines written for it (see docs/plan-importer.md)."""

from __future__ import annotations

from gbvms.plans.importer import parse_plan


def test_the_year_of_a_cited_document_is_never_the_period():
    plan = parse_plan(
        "KẾ HOẠCH\nThực hiện Chỉ thị số 06/CT-TTg ngày 04/02/2020 của Thủ tướng Chính phủ\n"
        "I. NHIỆM VỤ\n1. Tuyên truyền\n"
    )
    assert (plan["period"]["start_year"], plan["period"]["end_year"]) == (None, None)
    assert "period" not in plan["confidence"]
    assert any("thời kỳ" in w for w in plan["warnings"])


def test_a_target_year_ends_the_period_but_does_not_start_it():
    plan = parse_plan(
        "KẾ HOẠCH\nPhòng, chống bạo lực gia đình\nI. MỤC TIÊU\n"
        "Đến năm 2026, ít nhất 50% xã có mô hình hỗ trợ.\n"
    )
    assert (plan["period"]["start_year"], plan["period"]["end_year"]) == (None, 2026)
    assert plan["confidence"]["period"] == "inferred"


def test_an_opening_preamble_is_never_the_title():
    plan = parse_plan(
        "KẾ HOẠCH\nThực hiện Quyết định số 1464/QĐ-TTg ngày 22/7/2016 của Thủ tướng Chính phủ, "
        "UBND tỉnh Gia Lai ban hành kế hoạch như sau:\nI. MỤC TIÊU\n"
    )
    assert "Thực hiện" not in plan["title"]
    assert plan["confidence"]["title"] == "guessed"
    assert any("dự đoán" in w for w in plan["warnings"])
    assert plan["issuer"] == "UBND tỉnh Gia Lai"
    assert plan["confidence"]["issuer"] == "inferred"


def test_a_bare_peoples_committee_is_completed_from_the_date_line_or_dropped():
    with_place = parse_plan("ỦY BAN NHÂN DÂN TỈNH\nSố: 3/KH-UBND\nLai Châu, ngày 02/01/2024\n")
    assert with_place["issuer"] == "Ủy ban nhân dân tỉnh Lai Châu"
    assert with_place["confidence"]["issuer"] == "inferred"
    without = parse_plan("ỦY BAN NHÂN DÂN TỈNH\nSố: 3/KH-UBND\nKẾ HOẠCH\nA năm 2024\n")
    assert without["issuer"] is None
    assert any("cơ quan ban hành" in w for w in without["warnings"])


def test_the_same_document_cited_twice_is_listed_once_with_its_fullest_citation():
    plan = parse_plan(
        "KẾ HOẠCH\nA năm 2024\nCăn cứ Quyết định số 2232/QĐ-TTg của Thủ tướng;\n"
        "Căn cứ Quyết định số 2232/QĐ-TTg ngày 28/12/2020 của Thủ tướng Chính phủ;\n"
        "Căn cứ Luật Phòng, chống bạo lực gia đình số 13/2022/QH15;\nI. MỤC TIÊU\n"
    )
    assert plan["basis"] == [
        "Quyết định số 2232/QĐ-TTg ngày 28/12/2020 của Thủ tướng Chính phủ",
        "Luật Phòng, chống bạo lực gia đình số 13/2022/QH15",
    ]


def test_a_complete_text_has_no_cut_off_warning():
    plan = parse_plan("KẾ HOẠCH\nA năm 2024\nI. NHIỆM VỤ\n1. B\nNơi nhận:\n- Lưu: VT.\n")
    assert not any("bị cắt" in w or "Nơi nhận" in w for w in plan["warnings"])


def test_a_portal_menu_above_the_header_is_skipped():
    menu = "Trang chủ\nVăn bản pháp luật\nTìm kiếm\nLoại văn bản: Kế hoạch\n" * 4
    header = "HỘI LIÊN HIỆP PHỤ NỮ\nTỈNH CAO BẰNG\nSố: 4/KH-HLHPN\nCao Bằng, ngày 02/01/2025\n"
    plan = parse_plan(menu + header + "KẾ HOẠCH\nTuyên truyền năm 2025\n")
    assert plan["issuer"] == "HỘI LIÊN HIỆP PHỤ NỮ TỈNH CAO BẰNG"
    assert plan["title"] == "Kế hoạch Tuyên truyền năm 2025"


def test_duties_written_as_sentences():
    plan = parse_plan(
        "KẾ HOẠCH\nA năm 2024\nIV. TỔ CHỨC THỰC HIỆN\nGiao Sở Tư pháp chủ trì, phối hợp với các "
        "cơ quan liên quan triển khai Kế hoạch này. Công an tỉnh có trách nhiệm thống kê các vụ "
        "việc. Các cơ quan khác tiếp tục thực hiện.\n"
    )
    assert [(r["agency"], r["duties"]) for r in plan["responsibilities"]] == [
        ("Sở Tư pháp", ["chủ trì, phối hợp với các cơ quan liên quan triển khai Kế hoạch này"]),
        ("Công an tỉnh", ["có trách nhiệm thống kê các vụ việc"]),
    ]


def test_observances_named_with_their_day():
    plan = parse_plan(
        "KẾ HOẠCH\nA năm 2024\nII. NỘI DUNG\n1. Tổ chức mít tinh Ngày Quốc tế xóa bỏ bạo lực "
        "đối với phụ nữ vào ngày 25/11/2024.\n2. Hưởng ứng 28/6 - Ngày Gia đình Việt Nam.\n"
        "3. Họp ngày 05/3 với các ngành.\n"
    )
    assert [(o["title"], o["date"]) for o in plan["observances"]] == [
        ("Ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ", "2024-11-25"),
        ("Ngày Gia đình Việt Nam", "2024-06-28"),
    ]


def test_several_targets_in_one_prose_sentence():
    plan = parse_plan(
        "KẾ HOẠCH\nA giai đoạn 2021-2025\nI. MỤC TIÊU\nĐến năm 2025, phấn đấu 90% người dân "
        "được tuyên truyền, ít nhất 70% xã có mô hình hỗ trợ và 100% nạn nhân được tiếp cận "
        "dịch vụ. Năm 2023 có trên 50% cán bộ được tập huấn.\n"
    )
    assert [(t["value"], t["comparator"], t["year"]) for t in plan["targets"]] == [
        (90, "=", 2025), (70, ">=", 2025), (100, "=", 2025), (50, ">", 2023),
    ]  # fmt: skip
    assert plan["targets"][1]["text"] == "ít nhất 70% xã có mô hình hỗ trợ"


def test_a_text_cut_after_a_sentence_about_a_chairman_is_still_cut():
    plan = parse_plan(
        "KẾ HOẠCH\nA năm 2024\nIV. TỔ CHỨC THỰC HIỆN\nChủ tịch UBND các xã chịu trách nhiệm "
        "trước Chủ tịch UBND huyện về việc triển khai các nhiệm vụ được giao và báo cáo\n"
    )
    assert any("dừng giữa câu" in w for w in plan["warnings"])
    assert any("Nơi nhận" in w for w in plan["warnings"])


def test_two_due_dates_chained_after_one_deadline_word():
    plan = parse_plan(
        "KẾ HOẠCH\nA giai đoạn 2024-2025\nIII. TỔ CHỨC THỰC HIỆN\nCác sở định kỳ báo cáo 6 "
        "tháng và năm về Sở Y tế trước ngày 15 tháng 6 và ngày 15 tháng 12 hằng năm.\n"
    )
    assert [(r["kind"], r["due"], r["to"]) for r in plan["reporting"]] == [
        ("semiannual", "06-15", "Sở Y tế"), ("annual", "12-15", "Sở Y tế"),
    ]  # fmt: skip
