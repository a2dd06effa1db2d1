"""axe-core (from the npm registry, pinned by package-lock.json; `make setup` installs it)
run in the page by the browser tests: ``serious_violations(page)`` lists the serious and
critical violations of WCAG 2.1 A/AA and axe's best practices on the page as it is now.

The script is evaluated through the DevTools protocol, which the page's Content Security
Policy does not govern: nothing is added to the portal for it.
"""
from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@cache
def _script() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def available() -> bool:
    return AXE_SCRIPT.is_file()


def serious_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_script())
    return [v for v in page.evaluate(RUN, TAGS) if v["impact"] in ("serious", "critical")]
