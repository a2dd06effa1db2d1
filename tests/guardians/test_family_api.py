"""The family view in the API: /api/v1/children/ and each child's card and participation.
Whatever is not in the guardian's care is a 404 in DRF's shape, never data."""
import uuid

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

LIST_URL = "/api/v1/children/"


@pytest.fixture
def client():
    return APIClient()


def child_urls(link) -> list[str]:
    return [f"/api/v1/children/{link.uuid}/card/",
            f"/api/v1/children/{link.uuid}/participation/"]


def assert_not_found(response) -> None:
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_a_guardian_with_two_children_gets_both(client, family):
    client.force_authenticate(family.guardian)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == [
        {
            "id": str(family.khoi_link.uuid),
            "bhxh_code": "0115000001",
            "full_name": "Trần Minh Khôi",
            "date_of_birth": "2015-03-02",
            "sex": "M",
            "relationship": "mother",
            "access_until": "2033-03-02",
            "card_url": f"http://testserver/api/v1/children/{family.khoi_link.uuid}/card/",
            "participation_url": (
                f"http://testserver/api/v1/children/{family.khoi_link.uuid}/participation/"
            ),
        },
        {
            "id": str(family.lan_link.uuid),
            "bhxh_code": "0119000002",
            "full_name": "Trần Ngọc Lan",
            "date_of_birth": "2019-09-10",
            "sex": "F",
            "relationship": "mother",
            "access_until": "2037-09-10",
            "card_url": f"http://testserver/api/v1/children/{family.lan_link.uuid}/card/",
            "participation_url": (
                f"http://testserver/api/v1/children/{family.lan_link.uuid}/participation/"
            ),
        },
    ]


def test_the_urls_of_the_list_lead_to_the_child(client, family):
    client.force_authenticate(family.guardian)
    [khoi, lan] = client.get(LIST_URL).json()
    card = client.get(khoi["card_url"])
    assert card.status_code == 200 and card.json()["bhxh_code"] == "0115000001"
    history = client.get(lan["participation_url"])
    assert history.status_code == 200 and history.json()["types"][0]["insurance_type"] == "BHYT"


def test_a_guardian_without_children_gets_an_empty_list(client):
    client.force_authenticate(UserFactory())
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.json() == []


def test_the_child_card_is_the_shape_of_my_card(client, family):
    from registry.card_qr import parse_card_qr

    client.force_authenticate(family.guardian)
    response = client.get(child_urls(family.khoi_link)[0])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["bhxh_code"] == "0115000001"
    assert body["full_name"] == "Trần Minh Khôi"
    assert body["card_number"] == "TE1010115000001"
    assert body["participant_group"] == "TE" and body["benefit_level"] == 1
    assert body["facility"]["printed_code"] == "01 - C54"
    assert body["valid_to"] == "2026-12-31"
    qr = parse_card_qr(body["qr_payload"])
    assert qr.bhxh_code == "0115000001" and qr.full_name == "Trần Minh Khôi"


def test_a_child_without_a_card_is_a_404_that_says_so(client, family):
    client.force_authenticate(family.guardian)
    response = client.get(child_urls(family.lan_link)[0])
    assert response.status_code == 404
    assert response.json() == {"detail": "Chưa có thẻ BHYT nào của trẻ trong cơ sở dữ liệu."}


def test_the_child_participation(client, family):
    client.force_authenticate(family.guardian)
    response = client.get(child_urls(family.lan_link)[1])
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["as_of"] == "2026-06-15"
    [bhyt] = body["types"]
    assert bhyt["insurance_type"] == "BHYT"
    assert bhyt["total_months"] == 82  # September 2019 to June 2026
    assert bhyt["periods"][0]["employer"] == "UBND phường Hai Bà Trưng"
    assert client.get(child_urls(family.khoi_link)[1]).json()["types"] == []


def test_another_guardian_gets_404_and_never_sees_the_child(client, family, other_family):
    client.force_authenticate(other_family.guardian)
    listed = client.get(LIST_URL).json()
    assert [child["bhxh_code"] for child in listed] == ["0116000005"]
    for link in (family.khoi_link, family.lan_link):
        for url in child_urls(link):
            response = client.get(url)
            assert_not_found(response)
            assert "Trần" not in response.content.decode()


def test_ended_links_and_children_of_18_are_gone_the_day_before_is_not(client, family,
                                                                       edge_children):
    client.force_authenticate(family.guardian)
    listed = {child["id"]: child for child in client.get(LIST_URL).json()}
    assert str(edge_children.ended.uuid) not in listed
    assert str(edge_children.adult_today.uuid) not in listed
    assert listed[str(edge_children.minor_until_tomorrow.uuid)]["access_until"] == "2026-06-16"
    for link in (edge_children.ended, edge_children.adult_today):
        for url in child_urls(link):
            assert_not_found(client.get(url))
    card, history = child_urls(edge_children.minor_until_tomorrow)
    assert client.get(card).status_code == 404  # no card on record: the card's own 404
    assert client.get(card).json()["detail"].startswith("Chưa có thẻ BHYT")
    assert client.get(history).status_code == 200


def test_year_only_birth_record(client, family):
    from tests.guardians.conftest import child
    from tests.guardians.factories import GuardianLinkFactory

    link = GuardianLinkFactory(guardian=family.guardian,
                               child=child("0110000009", "Trần Năm Sinh", None, birth_year=2010))
    client.force_authenticate(family.guardian)
    [entry] = [c for c in client.get(LIST_URL).json() if c["id"] == str(link.uuid)]
    assert entry["date_of_birth"] == "2010"
    assert entry["access_until"] == "2028-01-01"


def test_anonymous_clients_are_refused(client, family):
    for url in [LIST_URL, *child_urls(family.khoi_link)]:
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert "Trần" not in response.content.decode()


def test_a_token_works_too(family):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=family.guardian)
    response = APIClient().get(LIST_URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and len(response.json()) == 2


def test_an_account_with_a_temporary_password_must_replace_it_first(client, family):
    family.guardian.must_change_password = True
    family.guardian.save(update_fields=["must_change_password"])
    client.force_authenticate(family.guardian)
    response = client.get(LIST_URL)
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


@pytest.mark.parametrize("link", ["not-a-uuid", "123", "0115000001",
                                  "e1c0a3b4-0000-0000-0000-00000000000g"])
def test_a_malformed_link_is_a_404(client, family, link):
    client.force_authenticate(family.guardian)
    assert_not_found(client.get(f"/api/v1/children/{link}/card/"))
    assert_not_found(client.get(f"/api/v1/children/{link}/participation/"))


def test_an_unknown_link_is_a_404(client, family):
    client.force_authenticate(family.guardian)
    assert_not_found(client.get(f"/api/v1/children/{uuid.uuid4()}/card/"))
    assert_not_found(client.get(f"/api/v1/children/{uuid.uuid4()}/participation/"))


def test_read_only(client, family):
    client.force_authenticate(family.guardian)
    assert client.post(LIST_URL, {}).status_code == 405
    assert client.delete(child_urls(family.khoi_link)[0]).status_code == 405


def test_the_schema_documents_the_children_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in ["/api/v1/children/", "/api/v1/children/{link}/card/",
                 "/api/v1/children/{link}/participation/"]:
        assert schema["paths"][path]["get"]["tags"] == ["children"]
    child = schema["components"]["schemas"]["Child"]
    assert set(child["properties"]) == {
        "id", "bhxh_code", "full_name", "date_of_birth", "sex", "relationship",
        "access_until", "card_url", "participation_url",
    }
