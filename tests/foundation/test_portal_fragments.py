"""{% fragment %} (vssid_portal/templatetags/portal_fragments.py): the parts of a page that
are the same for everyone are rendered once per process and language; the page is the
same as without it."""
import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from vssid_portal.templatetags import portal_fragments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    portal_fragments.forget_fragments()
    yield
    portal_fragments.forget_fragments()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _page(client, url, **headers) -> str:
    return _without_tokens(client.get(url, **headers).content.decode())


def test_a_page_is_the_same_whether_its_fragments_are_kept_or_not(monkeypatch):
    urls = ["/", reverse("accounts:login"), reverse("registry:offices"),
            reverse("declarations:status_lookup")]
    with monkeypatch.context() as patch:
        patch.setattr(portal_fragments.FragmentNode, "render",
                      lambda self, context: self.nodelist.render(context))
        fresh = {url: _page(Client(), url) for url in urls}
    assert not portal_fragments._kept
    first = {url: _page(Client(), url) for url in urls}
    kept = {url: _page(Client(), url) for url in urls}
    assert portal_fragments._kept
    assert fresh == first == kept


def test_kept_per_language():
    client = Client()
    vietnamese = _page(client, "/")
    client.cookies["vssid_language"] = "en"
    english = _page(client, "/")
    assert 'lang="vi"' in vietnamese and "Chuyển đến nội dung chính" in vietnamese
    assert 'lang="en"' in english and "Chuyển đến nội dung chính" not in english
    assert 'data-testid="lang-vi"' in english and 'data-testid="lang-en"' not in english
    client.cookies["vssid_language"] = "vi"
    assert _page(client, "/") == vietnamese


def test_kept_per_visitor_kind_on_the_home_page():
    anonymous = _page(Client(), "/")
    client = Client()
    client.force_login(UserFactory())
    citizen = _page(client, "/")
    login = reverse("accounts:login")
    assert f'href="{login}"' in anonymous and f'href="{login}"' not in citizen
    assert _page(Client(), "/") == anonymous


def test_nothing_personal_is_kept():
    client = Client()
    user = UserFactory(full_name="Nguyễn Thị Ánh Fragment")
    client.force_login(user)
    assert user.get_full_name() in client.get("/").content.decode()
    assert not any(user.get_full_name() in html for html in portal_fragments._kept.values())
    assert not any("csrfmiddlewaretoken" in html for html in portal_fragments._kept.values())


def test_values_after_the_name_are_part_of_the_key():
    template = Template('{% load portal_fragments %}{% fragment "x" flag %}{{ flag }}'
                        '{% endfragment %}')
    assert template.render(Context({"flag": 1})) == "1"
    assert template.render(Context({"flag": 2})) == "2"
    assert template.render(Context({"flag": 1})) == "1"


def test_not_kept_with_debug_on(settings):
    settings.DEBUG = True
    template = Template('{% load portal_fragments %}{% fragment "x" %}{{ v }}{% endfragment %}')
    assert template.render(Context({"v": "old"})) == "old"
    assert template.render(Context({"v": "new"})) == "new"


def test_forgotten_when_a_setting_changes(settings):
    template = Template('{% load portal_fragments %}{% fragment "x" %}{{ v }}{% endfragment %}')
    assert template.render(Context({"v": "old"})) == "old"
    assert template.render(Context({"v": "new"})) == "old"
    settings.STATIC_URL = "/static-2/"
    assert template.render(Context({"v": "new"})) == "new"


def test_a_fragment_needs_a_name():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal_fragments %}{% fragment %}x{% endfragment %}")


def test_a_fragment_cannot_hold_a_block():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load portal_fragments %}{% fragment "x" %}{% block b %}{% endblock %}'
                 '{% endfragment %}')


def test_the_language_tag_inside_a_page_is_honoured():
    template = Template('{% load i18n portal_fragments %}{% fragment "x" %}'
                        '{% get_current_language as code %}{{ code }}{% endfragment %}'
                        '{% language "en" %}{% fragment "x" %}'
                        '{% get_current_language as code %}{{ code }}{% endfragment %}'
                        '{% endlanguage %}')
    assert template.render(Context()) == "vien"
    assert template.render(Context()) == "vien"
