"""The API opened in a browser: JSON, not DRF's browsable page (whose inline <style> the
portal's Content-Security-Policy refused), and the interactive docs: no CSP violation, no
console error, on any of them."""
import pytest
from django.urls import reverse

from tests.registry.factories import OfficeFactory

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " "
                              + e.sourceFile + ":" + e.lineNumber);
});
"""


def test_api_pages_in_a_browser_break_no_policy(desktop_page, step):
    page = desktop_page
    OfficeFactory()
    page.context.add_init_script(COLLECT_VIOLATIONS)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    for name in ("api:root", "api:registry-offices"):
        response = page.goto(reverse(name))
        assert response.status == 200, name
        assert response.headers["content-type"] == "application/json", name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator("form, script[src*='rest_framework']").count() == 0
        page.wait_for_load_state("load")
        step(name.replace(":", "-"))
        assert page.evaluate("window.__cspViolations") == [], name

    response = page.goto(reverse("api:docs"))
    assert response.headers["content-type"].startswith("text/html")
    page.locator(".swagger-ui .info").wait_for()  # Swagger UI ran: its script was allowed
    step("docs")
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
