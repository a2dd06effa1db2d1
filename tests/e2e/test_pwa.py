"""The service worker at work in Chromium (vssid_portal/pwa.py): once active it holds the
portal's static files and nothing else, even after a citizen has opened their card, their
declarations, a declaration's PDF and photo and the API; an older cache is deleted; a
repeat visit takes the static files from it; its own guard refuses every request that is
not a listed static file."""
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from declarations.services.review import declaration_approve
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.declarations.review_helpers import CONTEXT, officer
from tests.registry.factories import HealthInsuranceCardFactory, ParticipationPeriodFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every CSP violation of the page, kept where the test can read it.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
CACHE_CONTENTS = """async () => {
  const contents = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    contents[name] = (await cache.keys()).map((request) => request.url);
  }
  return contents;
}"""


@pytest.fixture
def guardian():
    """A citizen with a card, a history and a child whose declaration was approved (its
    PDF rendered, its photos stored)."""
    guardian, office = family()
    HealthInsuranceCardFactory(person=guardian.insured_person, issuing_office=office)
    ParticipationPeriodFactory(person=guardian.insured_person)
    child = a_child(office)
    declaration = submit_child(guardian, child, office)
    declaration_approve(actor=officer(office), declaration_id=declaration.pk, context=CONTEXT)
    return guardian, declaration


def _worker_config(page, base_url: str) -> dict:
    script = page.request.get(base_url + reverse("service_worker")).text()
    return json.loads(re.search(r"^var CONFIG = (\{.*\});$", script, re.MULTILINE).group(1))


def test_only_static_files_are_cached_and_repeat_visits_use_them(phone_page, base_url, step,
                                                                 guardian):
    page = phone_page
    user, declaration = guardian
    page.context.add_init_script(COLLECT_VIOLATIONS)
    static_prefix = base_url + settings.STATIC_URL
    responses = []
    page.on("response", lambda response: responses.append(response))

    # Left by an older version (on a page without the worker): activation deletes it.
    page.goto(reverse("pwa_manifest"))
    page.evaluate("() => caches.open('vssid-static-0000000000000000').then((c) =>"
                  " c.put('/old-page/', new Response('personal')))")
    assert page.evaluate(CACHE_CONTENTS) == {
        "vssid-static-0000000000000000": [base_url + "/old-page/"]}

    page.goto("/")
    registration = page.evaluate(
        "() => navigator.serviceWorker.ready.then((r) =>"
        " ({scope: r.scope, script: r.active.scriptURL}))"
    )
    assert registration == {"scope": base_url + "/",
                            "script": base_url + reverse("service_worker")}
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    config = _worker_config(page, base_url)
    precached = {base_url + url for url in config["precache"]}
    step("worker-active")

    # A citizen's personal data: pages, the PDF, a photo, the API.
    page.goto(reverse("accounts:login"))
    page.get_by_label("Mã số BHXH hoặc tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("logout")).to_be_visible()
    nav = [link.get_attribute("href") for link in page.locator(".site-nav a").all()]
    assert len(nav) >= 3  # services, card, history, family
    personal = nav + [
        reverse("declarations:list"),
        reverse("declarations:detail", kwargs={"uuid": declaration.uuid}),
    ]
    for path in personal:
        assert page.goto(path).status == 200, path
    step("personal-pages")
    fetched = {
        path: page.evaluate("(url) => fetch(url).then((r) => r.status)", path)
        for path in [
            reverse("declarations:pdf", kwargs={"uuid": declaration.uuid}),
            reverse("declarations:photo", kwargs={"uuid": declaration.uuid, "kind": "portrait"}),
            reverse("api:declarations"),
            reverse("api:declaration", kwargs={"uuid": declaration.uuid}),
        ]
    }
    assert set(fetched.values()) == {200}, fetched

    # Cache Storage holds exactly the precache list: static files, nothing personal.
    contents = page.evaluate(CACHE_CONTENTS)
    assert list(contents) == [config["cacheName"]]
    cached = set(contents[config["cacheName"]])
    assert cached == precached
    for url in cached:
        assert url.startswith(static_prefix), url
        assert not url.endswith((".html", ".pdf", ".jpg", ".json")), url
    for path in personal + list(fetched) + [reverse("home"), reverse("api:root")]:
        assert base_url + path not in cached
    # Nothing but static files was ever answered by the worker.
    for response in responses:
        if response.from_service_worker:
            assert response.url in precached, response.url

    # A repeat visit: the page from the network, its CSS, JS and icons from the worker.
    responses.clear()
    page.goto("/")
    page.wait_for_load_state("load")
    step("repeat-visit")
    document = next(r for r in responses if r.url == base_url + "/")
    assert not document.from_service_worker
    # (The browser's own favicon fetch, if any, is not the page's and bypasses workers.)
    statics = {r.url: r.from_service_worker for r in responses
               if r.url in precached and r.request.resource_type in ("stylesheet", "script")}
    assert base_url + settings.STATIC_URL + "css/portal.css" in statics
    assert base_url + settings.STATIC_URL + "js/portal.js" in statics
    assert all(statics.values()), statics
    assert page.evaluate("window.__cspViolations") == []


def test_the_workers_own_guard(phone_page, base_url):
    """isStaticAsset, the fetch handler's only way to a cached answer, asked inside the
    running worker about each kind of request."""
    page = phone_page
    page.goto("/")
    page.evaluate("() => navigator.serviceWorker.ready")
    worker = next(w for w in page.context.service_workers
                  if w.url == base_url + reverse("service_worker"))
    listed = base_url + settings.STATIC_URL + "css/portal.css"
    uuid = "00000000-0000-0000-0000-000000000000"
    answers = worker.evaluate(
        """(c) => ({
          listed: isStaticAsset(new Request(c.listed)),
          listedWithQuery: isStaticAsset(new Request(c.listed + "?v=2")),
          navigationToListed: isStaticAsset({method: "GET", mode: "navigate", url: c.listed}),
          postToListed: isStaticAsset(new Request(c.listed, {method: "POST"})),
          unlistedStatic: isStaticAsset(new Request(c.font)),
          otherOrigin: isStaticAsset(new Request(c.foreign)),
          home: isStaticAsset({method: "GET", mode: "navigate", url: c.home}),
          api: isStaticAsset(new Request(c.api)),
          pdf: isStaticAsset(new Request(c.pdf)),
          photo: isStaticAsset(new Request(c.photo)),
        })""",
        {
            "listed": listed,
            "font": base_url + settings.STATIC_URL + "fonts/DejaVuSans.ttf",
            "foreign": "https://example.com" + settings.STATIC_URL + "css/portal.css",
            "home": base_url + reverse("home"),
            "api": base_url + reverse("api:declarations"),
            "pdf": base_url + reverse("declarations:pdf", kwargs={"uuid": uuid}),
            "photo": base_url + reverse("declarations:photo",
                                        kwargs={"uuid": uuid, "kind": "portrait"}),
        },
    )
    assert answers.pop("listed") is True
    assert answers == {name: False for name in answers}
