"""The family view in the browser: /gia-dinh/ and each child's card and participation
pages. Whatever is not in the guardian's care is a 404, never data."""
import base64
import io
import re
import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

FAMILY_URL = "/gia-dinh/"


def child_urls(link) -> list[str]:
    return [
        reverse("guardians:child_card", kwargs={"link": link.uuid}),
        reverse("guardians:child_participation", kwargs={"link": link.uuid}),
    ]


def reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def child_item(html: str, link) -> str:
    """The family page's entry for one guardianship."""
    return html.split(f'data-testid="child-item-{link.uuid}"')[1].split("child-item-")[0]


def assert_private(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_url_names():
    link = uuid.uuid4()
    assert reverse("guardians:family") == FAMILY_URL
    assert reverse("guardians:child_card", kwargs={"link": link}) == (
        f"/gia-dinh/{link}/the-bhyt/"
    )
    assert reverse("guardians:child_participation", kwargs={"link": link}) == (
        f"/gia-dinh/{link}/qua-trinh-tham-gia/"
    )


# --- The family page ------------------------------------------------------------------------

def test_a_guardian_with_two_children_sees_both_with_their_links(client, family):
    client.force_login(family.guardian)
    response = client.get(FAMILY_URL)
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    for link, name, code, born, until in [
        (family.khoi_link, "Trần Minh Khôi", "0115000001", "02/03/2015", "02/03/2033"),
        (family.lan_link, "Trần Ngọc Lan", "0119000002", "10/09/2019", "10/09/2037"),
    ]:
        item = child_item(html, link)
        assert name in item and code in item and born in item
        assert "Mẹ" in item
        assert f"đến ngày {until}" in item
        for url in child_urls(link):
            assert f'href="{url}"' in item
        declarations_url = reverse_or_none("declarations:list")
        if declarations_url:
            assert f'href="{declarations_url}?con={link.uuid}"' in item
    # Oldest first, youngest last.
    assert html.index("Trần Minh Khôi") < html.index("Trần Ngọc Lan")
    register_url = reverse_or_none("declarations:child_register")
    if register_url:
        assert f'href="{register_url}"' in html and 'data-testid="register-child"' in html
    assert 'data-testid="no-children"' not in html


def test_a_guardian_without_children_gets_an_explanation_and_the_register_button(client):
    client.force_login(UserFactory())
    response = client.get(FAMILY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-children"' in html
    assert "Hãy đăng ký tài khoản cho con" in html
    if reverse_or_none("declarations:child_register"):
        assert 'data-testid="register-child"' in html


def test_another_family_never_sees_this_family(client, family, other_family):
    client.force_login(other_family.guardian)
    html = client.get(FAMILY_URL).content.decode()
    assert "Phạm Gia Bảo" in html
    for text in ["Trần Minh Khôi", "0115000001", "Trần Ngọc Lan", "0119000002",
                 str(family.khoi_link.uuid), str(family.lan_link.uuid)]:
        assert text not in html
    for link in (family.khoi_link, family.lan_link):
        for url in child_urls(link):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Trần" not in response.content.decode()


def test_the_other_parent_uses_their_own_link_not_this_one(client, family):
    """Both parents registered Khôi: each sees him through their own guardianship only."""
    from guardians.models import GuardianLink
    from tests.guardians.factories import GuardianLinkFactory

    father_link = GuardianLinkFactory(child=family.khoi,
                                      relationship=GuardianLink.Relationship.FATHER)
    client.force_login(father_link.guardian)
    for url in child_urls(father_link):
        assert client.get(url).status_code == 200
    for url in child_urls(family.khoi_link):
        assert client.get(url).status_code == 404


def test_ended_links_and_children_of_18_are_gone_the_day_before_is_not(client, family,
                                                                       edge_children):
    client.force_login(family.guardian)
    html = client.get(FAMILY_URL).content.decode()
    assert "Trần Văn Ended" not in html
    assert "Trần Thị Đủ Tuổi" not in html
    assert "Trần Văn Còn Nhỏ" in html
    assert "đến ngày 16/06/2026" in html
    for link in (edge_children.ended, edge_children.adult_today):
        for url in child_urls(link):
            assert client.get(url).status_code == 404, url
    for url in child_urls(edge_children.minor_until_tomorrow):
        assert client.get(url).status_code == 200, url


def test_year_only_birth_record(client, family):
    from tests.guardians.conftest import child
    from tests.guardians.factories import GuardianLinkFactory

    link = GuardianLinkFactory(guardian=family.guardian,
                               child=child("0110000009", "Trần Năm Sinh", None, birth_year=2010))
    client.force_login(family.guardian)
    item = child_item(client.get(FAMILY_URL).content.decode(), link)
    assert "2010" in item
    assert "đến ngày 01/01/2028" in item


# --- The child's pages ----------------------------------------------------------------------

def test_the_child_card_page_shows_the_card_and_its_qr(client, family):
    import zxingcpp
    from PIL import Image

    from registry.card_qr import parse_card_qr

    client.force_login(family.guardian)
    response = client.get(child_urls(family.khoi_link)[0])
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "<h1>Thẻ BHYT của Trần Minh Khôi</h1>" in html
    assert 'data-testid="bhyt-card"' in html
    assert "TE1010115000001" in html and "02/03/2015" in html and "Bệnh viện Bạch Mai" in html
    assert f'href="{FAMILY_URL}"' in html and 'data-testid="back-link"' in html
    assert "Trần Thị Hoa" not in html.split("<main", 1)[1]  # the guardian's own card is not shown
    match = re.search(r'<img src="data:image/png;base64,([^"]+)"[^>]*data-testid="card-qr"', html)
    assert match, "the card's QR is shown, inline"
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(match.group(1)))))
    data = parse_card_qr(result.bytes.decode("utf-8"))
    assert data.bhxh_code == "0115000001"
    assert data.full_name == "Trần Minh Khôi"


def test_a_child_without_a_card(client, family):
    client.force_login(family.guardian)
    html = client.get(child_urls(family.lan_link)[0]).content.decode()
    assert 'data-testid="no-card"' in html
    assert "Chưa có thẻ BHYT nào của Trần Ngọc Lan" in html
    assert 'data-testid="card-qr"' not in html


def test_the_child_participation_page(client, family):
    client.force_login(family.guardian)
    response = client.get(child_urls(family.lan_link)[1])
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert "<h1>Quá trình tham gia của Trần Ngọc Lan</h1>" in html
    assert 'data-testid="history-BHYT"' in html
    assert "UBND phường Hai Bà Trưng" in html
    empty = client.get(child_urls(family.khoi_link)[1]).content.decode()
    assert "Chưa có giai đoạn tham gia nào của Trần Minh Khôi" in empty


def test_the_citizen_own_pages_keep_their_headings(client, family):
    client.force_login(family.guardian)
    card = client.get(reverse("accounts:my_card")).content.decode()
    assert "<h1>Thẻ BHYT điện tử</h1>" in card and 'data-testid="back-link"' not in card
    history = client.get(reverse("accounts:my_participation")).content.decode()
    assert "<h1>Quá trình tham gia</h1>" in history


def test_anonymous_visitors_are_sent_to_log_in(client, family):
    login_url = reverse("accounts:login")
    for url in [FAMILY_URL, *child_urls(family.khoi_link)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login_url)
        assert_private(response)


@pytest.mark.parametrize("link", ["not-a-uuid", "123", "0115000001",
                                  "e1c0a3b4-0000-0000-0000-00000000000g"])
def test_a_malformed_link_is_a_404(client, family, link):
    client.force_login(family.guardian)
    assert client.get(f"/gia-dinh/{link}/the-bhyt/").status_code == 404
    assert client.get(f"/gia-dinh/{link}/qua-trinh-tham-gia/").status_code == 404


def test_an_unknown_link_is_a_404(client, family):
    client.force_login(family.guardian)
    for url in child_urls(type("Link", (), {"uuid": uuid.uuid4()})):
        assert client.get(url).status_code == 404


def test_only_safe_methods(client, family):
    client.force_login(family.guardian)
    assert client.post(FAMILY_URL).status_code == 405
    assert client.post(child_urls(family.khoi_link)[0]).status_code == 405


def test_the_family_page_in_english(client, family):
    client.force_login(family.guardian)
    client.cookies["vssid_language"] = "en"
    html = client.get(FAMILY_URL).content.decode()
    assert "<h1>Family</h1>" in html
    assert "Health insurance card" in html and "until 02/03/2033" in html
    assert "Mother" in html
    card = client.get(child_urls(family.khoi_link)[0]).content.decode()
    assert "<h1>Trần Minh Khôi's health insurance card</h1>" in card


def test_pages_have_no_inline_code(client, family):
    from tests.foundation.test_pages_csp import PageChecker

    client.force_login(family.guardian)
    for url in [FAMILY_URL, *child_urls(family.khoi_link), *child_urls(family.lan_link)]:
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        checker = PageChecker()
        checker.feed(response.content.decode())
        assert checker.problems == [], url
