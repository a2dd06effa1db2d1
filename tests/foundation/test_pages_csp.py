"""Every page the portal links to: no inline script or style (the CSP forbids them and the
browser would silently drop them) and nothing loaded from another host."""
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
MAX_PAGES = 60
# Attributes that load or submit to a URL.
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset"}


class PageChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if not attributes.get("src"):
                self._in_script_without_src = attributes.get("type") not in {
                    "application/json",
                    "application/ld+json",
                }
                if self._in_script_without_src:
                    self.problems.append("inline <script>")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'style="" on <{tag}>')
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                for url in (value.split(",") if name == "srcset" else [value]):
                    url = url.strip().split(" ")[0]
                    if url.lower().startswith("javascript:"):
                        self.problems.append(f"javascript: URL on <{tag}>")
                    parts = urlsplit(url)
                    if parts.netloc and parts.netloc != "testserver":
                        # <a href> to another site is a link, not a loaded resource.
                        if not (tag == "a" and name == "href"):
                            self.problems.append(f"{tag} {name} from another host: {url}")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def _crawl(client, start: list[str]) -> dict[str, list[str]]:
    seen: set[str] = set()
    queue = list(start)
    problems: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        assert "script-src 'self'" in response["Content-Security-Policy"], path
        checker = PageChecker()
        checker.feed(response.content.decode())
        if checker.problems:
            problems[path] = checker.problems
        for href in checker.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or parts.scheme or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/static/", "/admin/", "/dev/outbox/email/")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return problems


def test_checker_catches_what_it_should():
    checker = PageChecker()
    checker.feed(
        '<script>alert(1)</script><p style="color:red" onclick="x()">'
        '<img src="https://cdn.example.com/a.png"><a href="https://vss.gov.vn/">ok</a>'
        '<link rel="stylesheet" href="//fonts.example.com/x.css"><style>p{}</style>'
    )
    assert len(checker.problems) == 6


def test_public_pages_have_no_inline_code_or_foreign_resources(client):
    start = [reverse("home"), reverse("accounts:login"), "/api/v1/docs/"]
    problems = _crawl(client, start)
    assert problems == {}


def test_pages_of_a_logged_in_citizen_too(client):
    client.force_login(UserFactory())
    assert _crawl(client, [reverse("home")]) == {}


def test_pages_in_english_too(client):
    client.cookies["vssid_language"] = "en"
    assert _crawl(client, [reverse("home")]) == {}


def test_error_page_and_dev_outbox(client, settings, tmp_path):
    settings.DEBUG = True
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.EMAIL_FILE_PATH = str(tmp_path / "email")
    problems = _crawl(client, ["/dev/outbox/"])
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    checker = PageChecker()
    checker.feed(response.content.decode())
    assert problems == {}
    assert checker.problems == []
