"""registry.reference: provinces, offices and facilities served from memory, reloaded when
any write path changes them (admin, services, bulk imports, load_reference_data), and the
look-up pages, forms and directory API that read them."""
import io
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry import reference, selectors
from registry.forms import DirectorySearchForm, ProvinceChoiceField, ProvinceSelect
from registry.importers import import_facilities, import_offices
from registry.models import HealthFacility, Office, Province
from registry.reference import VERSION_KEY, reference_data, reference_data_changed
from tests.registry.factories import HealthFacilityFactory, OfficeFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    hcm = ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    dn = ProvinceFactory(code="48", name="Đà Nẵng")
    central = OfficeFactory(code="000", name="BHXH Việt Nam", level=Office.Level.CENTRAL,
                            province=None)
    parent = OfficeFactory(code="001", name="BHXH TP. Hà Nội", province=hanoi,
                           level=Office.Level.PROVINCE, parent=central)
    OfficeFactory(code="00105", name="BHXH cơ sở Đống Đa", province=hanoi, parent=parent)
    OfficeFactory(code="00101", name="BHXH cơ sở Hoàn Kiếm", province=hanoi, parent=parent)
    OfficeFactory(code="00199", name="BHXH cơ sở Đống Đa cũ", province=hanoi, parent=parent,
                  is_active=False)
    OfficeFactory(code="079", name="BHXH TP. Hồ Chí Minh", province=hcm,
                  level=Office.Level.PROVINCE, parent=central)
    OfficeFactory(code="07901", name="BHXH cơ sở Quận 1 100%_a\\b", province=hcm)
    HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai", province=hanoi)
    HealthFacilityFactory(code="01A12", name="Trạm Y tế phường Bạch Đằng", province=hanoi,
                          accepts_registration=False)
    HealthFacilityFactory(code="48001", name="Bệnh viện Đà Nẵng", province=dn)
    HealthFacilityFactory(code="79024", name="Bệnh viện Chợ Rẫy", province=hcm)
    return hanoi


QUERIES = ["", "dong da", "ĐỐNG ĐA", "da dong", "079", "0", "00", "001", "01", "01 - C54",
           "01c54", "c54", "bach", "benh vien", "benh vien da nang", "BHXH", "a b c d e f g h",
           "100%", "%", "_", "a\\b", "quan 1", "- -", "  ", "xyz", "7901", "rẫy", "Cho Ray"]
PROVINCES = ["", "01", "79", "48", "99"]


def test_the_searches_in_memory_give_the_database_answers(directory):
    """Same rows, same order, for every kind of query: the querysets are the reference."""
    for province in PROVINCES:
        for q in QUERIES:
            assert selectors.offices_directory(province_code=province, q=q) == list(
                selectors.offices_search(province_code=province, q=q)), (province, q)
            for accepts in (None, True, False):
                assert selectors.health_facilities_directory(
                    province_code=province, q=q, accepts_registration=accepts
                ) == list(selectors.health_facilities_search(
                    province_code=province, q=q, accepts_registration=accepts)), (province, q)


def test_served_from_memory_after_the_first_read(directory):
    selectors.offices_directory(q="dong da")
    selectors.health_facilities_directory(q="bach")
    assert [p.code for p in reference_data().provinces] == ["48", "01", "79"]  # by name
    with CaptureQueriesContext(connection) as queries:
        assert [o.code for o in selectors.offices_directory(province_code="01")] == [
            "001", "00101", "00105"]
        assert selectors.offices_directory(q="ho chi minh")[0].province.name == "TP Hồ Chí Minh"
        selectors.health_facilities_directory(province_code="79")
        reference_data().province_codes["01"]
    assert len(queries) == 0


def test_a_save_in_the_admin_is_seen_at_once(admin_client, directory):
    url = reverse("registry:offices")
    assert "Đống Đa" in admin_client.get(url, {"province": "01"}).content.decode()
    office = Office.objects.get(code="00105")
    response = admin_client.post(reverse("admin:registry_office_change", args=[office.pk]), {
        "code": "00105", "name": "BHXH cơ sở Đống Đa mới", "level": "local",
        "parent": office.parent_id, "province": directory.pk, "address": "", "phone": "",
        "receives_declarations": "on", "is_active": "on",
    })
    assert response.status_code == 302
    html = admin_client.get(url, {"province": "01", "q": "moi"}).content.decode()
    assert "BHXH cơ sở Đống Đa mới" in html
    api = admin_client.get("/api/v1/offices/", {"q": "dong da moi"}).json()
    assert [row["name"] for row in api["results"]] == ["BHXH cơ sở Đống Đa mới"]


def test_a_delete_in_the_admin_is_seen_at_once(admin_client, directory):
    facility = HealthFacility.objects.get(code="01A12")
    assert selectors.health_facilities_directory(q="bach dang") == [facility]
    response = admin_client.post(
        reverse("admin:registry_healthfacility_delete", args=[facility.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert selectors.health_facilities_directory(q="bach dang") == []


def test_bulk_writes_are_seen_at_once(directory):
    assert selectors.offices_directory(q="tay ho") == []
    report = import_offices(io.BytesIO("code,name\n00130,BHXH cơ sở Tây Hồ\n".encode()))
    assert report.created == 1
    assert [o.code for o in selectors.offices_directory(q="tay ho")] == ["00130"]
    import_facilities(io.BytesIO("code,name\n01 - 999,Trạm Y tế Tây Hồ\n".encode()))
    assert [f.code for f in selectors.health_facilities_directory(q="tay ho")] == ["01999"]
    Office.objects.filter(code="00130").update(is_active=False)
    assert selectors.offices_directory(q="tay ho") == []
    Province.objects.bulk_update(
        [Province(pk=directory.pk, code="01", name="Thủ đô Hà Nội")], ["name"])
    assert reference_data().province_codes["01"].name == "Thủ đô Hà Nội"


def test_load_reference_data_is_seen_at_once():
    from registry.demo import load_reference_data

    assert reference_data().provinces == ()
    load_reference_data()
    assert len(reference_data().provinces) == 34
    assert len(selectors.offices_directory(province_code="01")) > 10


def test_another_process_reloads_when_the_version_changes(directory):
    before = reference_data()
    assert reference_data() is before
    # Another process wrote: the token in the shared cache changed, this snapshot is stale.
    cache.set(VERSION_KEY, "changed elsewhere", timeout=None)
    after = reference_data()
    assert after is not before and after.version == "changed elsewhere"
    # A cache that lost the token (evicted, restarted) makes a new one.
    cache.delete(VERSION_KEY)
    assert reference_data().version not in (before.version, after.version)


def test_in_production_the_version_is_read_every_few_seconds(directory, settings,
                                                            monkeypatch):
    settings.REFERENCE_DATA_RECHECK_SECONDS = 2.0
    snapshot = reference_data()
    cache.set(VERSION_KEY, "changed elsewhere", timeout=None)
    assert reference_data() is snapshot  # another node's write: not yet
    later = time.monotonic() + 2.1
    monkeypatch.setattr(reference.time, "monotonic", lambda: later)
    assert reference_data().version == "changed elsewhere"
    OfficeFactory(code="00131", name="BHXH cơ sở Ba Đình", province=directory)
    assert [o.code for o in selectors.offices_directory(q="ba dinh")] == ["00131"]  # at once


def test_writes_made_without_django_are_seen_within_the_maximum_age(directory, monkeypatch):
    snapshot = reference_data()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_province SET name = 'Hà Nội (SQL)' WHERE code = '01'")
    assert reference_data() is snapshot
    later = time.monotonic() + reference.MAX_AGE_SECONDS + 1
    monkeypatch.setattr(reference.time, "monotonic", lambda: later)
    assert reference_data().province_codes["01"].name == "Hà Nội (SQL)"


def test_a_cache_that_fails_keeps_the_snapshot(directory, monkeypatch, caplog):
    snapshot = reference_data()

    def broken(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(cache, "get", broken)
    assert reference_data() is snapshot
    assert "version unknown" in caplog.text


def test_one_version_read_per_request(client, directory, monkeypatch):
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: (
        reads.append(key), real_get(key, *a, **k))[1])
    assert client.get(reverse("registry:facilities"), {"province": "01"}).status_code == 200
    assert reads.count(VERSION_KEY) == 1


def test_the_version_changes_again_on_commit(django_capture_on_commit_callbacks):
    first = reference_data().version
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reference_data_changed()
    second = reference_data().version
    assert second != first and len(callbacks) == 1
    callbacks[0]()
    assert reference_data().version not in (first, second)


# --- The province field and its select --------------------------------------------------------

def test_the_province_field_renders_and_cleans_without_a_query(directory):
    form = DirectorySearchForm({"province": "48", "q": ""})
    str(form["province"])  # the first rendering loads the provinces
    with CaptureQueriesContext(connection) as queries:
        form = DirectorySearchForm({"province": "48", "q": ""})
        html = str(form["province"])
        assert form.is_valid()
    assert len(queries) == 0
    assert form.cleaned_data["province"].code == "48"
    assert '<option value="">Tất cả tỉnh/thành phố</option>' in html
    assert '<option value="48" selected>Đà Nẵng</option>' in html
    assert html.index("Đà Nẵng") < html.index("Hà Nội") < html.index("TP Hồ Chí Minh")


@pytest.mark.parametrize("typed", ["99", "zz", "0\x001", "01 ", ["01"]])
def test_an_unknown_province_is_an_invalid_choice(directory, typed):
    form = DirectorySearchForm({"province": typed})
    assert not form.is_valid()
    assert form.errors["province"] == ["Chọn một tỉnh/thành phố trong danh sách."]


def test_the_field_behaves_as_the_model_choice_field_did(directory):
    field = ProvinceChoiceField(required=False, empty_label="--")
    assert field.clean("") is None and field.clean(None) is None
    assert field.clean(directory) == directory
    assert field.prepare_value(directory) == "01"
    assert not field.has_changed(directory, "01") and field.has_changed(directory, "79")
    required = ProvinceChoiceField(initial="01")
    assert required.empty_label is None and list(required.choices)[0] == ("48", "Đà Nẵng")


def test_the_select_is_rendered_once_per_version_language_and_value(directory, monkeypatch):
    ProvinceSelect._kept.clear()
    rendered = []
    real = ProvinceSelect.__mro__[1].render
    monkeypatch.setattr(ProvinceSelect.__mro__[1], "render",
                        lambda self, *a, **k: (rendered.append(a[1]), real(self, *a, **k))[1])
    for _ in range(3):
        str(DirectorySearchForm({"province": "01"})["province"])
        str(DirectorySearchForm()["province"])
    assert rendered == ["01", None]
    with translation.override("en"):
        english = str(DirectorySearchForm()["province"])
    assert '<option value="" selected>All provinces</option>' in english
    assert len(rendered) == 3
    str(DirectorySearchForm({"province": "<not a code>"})["province"])  # not kept
    str(DirectorySearchForm({"province": "<not a code>"})["province"])
    assert len(rendered) == 5 and all("not a code" not in str(key)
                                      for key in ProvinceSelect._kept)
    ProvinceFactory(code="02", name="Hà Giang")  # a new version: rendered again
    assert 'value="02"' in str(DirectorySearchForm()["province"])


# --- The directory API ------------------------------------------------------------------------

def test_api_rows_are_the_serialisers_in_each_language(client, directory):
    vi = client.get("/api/v1/offices/", {"q": "dong da"}).json()["results"]
    en = client.get("/api/v1/offices/", {"q": "dong da"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi == [{
        "code": "00105", "name": "BHXH cơ sở Đống Đa",
        "display_name": "(00105) BHXH cơ sở Đống Đa", "level": "local",
        "level_display": "BHXH cơ sở", "province": {"code": "01", "name": "Hà Nội"},
        "address": "", "phone": "", "receives_declarations": True,
    }]
    assert en["results"][0]["level_display"] == "Local social security office"
    assert client.get("/api/v1/offices/", {"q": "dong da"}).json()["results"] == vi
