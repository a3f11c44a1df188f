import datetime

import pytest

from gbvms.geo.models import AdminUnit
from gbvms.geo.selectors import unit_search
from gbvms.geo.services import units_load


@pytest.mark.django_db
class TestData:
    def test_current_counts_match_the_official_list(self):
        current = AdminUnit.objects.current()
        assert current.filter(level="province").count() == 34
        assert current.filter(level="commune").count() == 3321
        assert current.filter(kind="xa").count() == 2621
        assert current.filter(kind="phuong").count() == 687
        assert current.filter(kind="dac_khu").count() == 13
        assert not current.filter(level="district").exists()

    def test_historical_units_are_kept(self):
        historical = AdminUnit.objects.filter(valid_to=datetime.date(2025, 6, 30))
        assert historical.filter(level="province").count() == 63
        assert historical.filter(level="district").count() == 696
        assert historical.filter(level="commune").count() > 10000
        assert set(AdminUnit.objects.historical().values_list("valid_to", flat=True)) == {
            datetime.date(2025, 6, 30),
            datetime.date(2024, 12, 31),  # Thừa Thiên Huế became Thành phố Huế on 2025-01-01
        }

    def test_kon_tum_became_part_of_quang_ngai(self):
        kon_tum = AdminUnit.objects.get(level="province", code="62", valid_to__isnull=False)
        assert kon_tum.name == "Tỉnh Kon Tum"
        assert [s.name for s in kon_tum.successors.all()] == ["Tỉnh Quảng Ngãi"]
        quang_ngai = AdminUnit.objects.get(level="province", code="51", valid_to__isnull=True)
        assert kon_tum in quang_ngai.predecessors.all()

    def test_thua_thien_hue_became_hue_city(self):
        old = AdminUnit.objects.get(level="province", name="Tỉnh Thừa Thiên Huế")
        assert [s.name for s in old.successors.all()] == ["Thành phố Huế"]

    def test_former_town_huong_tra_maps_to_wards_of_hue(self):
        town = AdminUnit.objects.get(level="district", name="Thị xã Hương Trà")
        successors = list(town.successors.select_related("parent"))
        assert successors
        assert {s.parent.name for s in successors} == {"Thành phố Huế"}
        assert all(s.level == "commune" and s.is_current for s in successors)

    def test_every_historical_commune_has_a_historical_parent(self):
        orphans = AdminUnit.objects.historical().filter(level="commune", parent__isnull=True)
        assert not orphans.exists()
        mixed = AdminUnit.objects.historical().filter(
            parent__isnull=False, parent__valid_to__isnull=True
        )
        assert not mixed.exists()

    def test_paths_nest(self):
        commune = AdminUnit.objects.get(level="commune", code="23293", valid_to__isnull=True)
        assert commune.path == "/51/23293/"
        assert commune.parent.code == "51"
        province = commune.parent
        subtree = AdminUnit.objects.subtree(province)
        assert subtree.filter(level="commune").count() == province.children.count()

    def test_loading_again_changes_nothing(self):
        before = AdminUnit.objects.count()
        links = AdminUnit.successors.through.objects.count()
        result = units_load()
        assert result.created == 0
        assert result.updated == 0
        assert result.unchanged == before
        assert AdminUnit.objects.count() == before
        assert AdminUnit.successors.through.objects.count() == links

    def test_source_and_retrieval_date_are_recorded(self):
        unit = AdminUnit.objects.get(level="province", code="01", valid_to__isnull=True)
        assert "vietnam-provinces" in unit.source
        assert unit.retrieved_on is not None


@pytest.mark.django_db
class TestSearch:
    @pytest.mark.parametrize("q", ["ha noi", "Hà Nội", "Ha Noi", "HÀ NỘI", "  ha   noi "])
    def test_diacritics_and_case_do_not_matter(self, q):
        names = list(unit_search(q=q, kind="province").values_list("name", flat=True))
        assert names == ["Thành phố Hà Nội"]

    def test_search_by_code(self):
        assert [u.name for u in unit_search(q="51", kind="province")] == ["Tỉnh Quảng Ngãi"]

    def test_historical_units_only_on_request(self):
        assert not unit_search(q="kon tum", kind="province").exists()
        found = unit_search(q="kon tum", kind="province", current=False)
        assert [(u.name, u.is_current) for u in found] == [("Tỉnh Kon Tum", False)]

    def test_children_of_a_province(self):
        communes = unit_search(kind="commune", parent_code="51")
        assert communes.count() == 96
        assert {u.parent.code for u in communes} == {"51"}

    def test_unknown_kind_gives_nothing(self):
        assert not unit_search(kind="galaxy").exists()


@pytest.mark.django_db
class TestPages:
    def test_browse_page_searches(self, client):
        response = client.get("/units/", {"q": "ha noi", "kind": "province"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Thành phố Hà Nội" in body
        assert body.count('data-testid="unit-row"') == 1

    def test_htmx_search_returns_rows_only(self, client):
        response = client.get("/units/", {"q": "dak to"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="unit-rows">')
        assert "Xã Đăk Tô" in body

    def test_empty_result_says_so(self, client):
        body = client.get("/units/", {"q": "zzzz"}).content.decode()
        assert "Không tìm thấy đơn vị nào" in body

    def test_detail_shows_successors(self, client):
        kon_tum = AdminUnit.objects.get(level="province", code="62", valid_to__isnull=False)
        body = client.get(f"/units/{kon_tum.pk}/").content.decode()
        assert "Đơn vị kế thừa" in body
        assert "Tỉnh Quảng Ngãi" in body

    def test_missing_unit_is_404(self, client):
        assert client.get("/units/999999999/").status_code == 404
