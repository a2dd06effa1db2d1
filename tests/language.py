"""Checks that what a user reads is in Vietnamese, shared by the hardening tests."""
import re

_VI = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]",
                 re.IGNORECASE)


def vietnamese(text: str) -> bool:
    return bool(_VI.search(text))


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def all_vietnamese(response) -> bool:
    """Every message of an API error answer is in Vietnamese."""
    messages = _messages(response.json())
    return bool(messages) and all(vietnamese(message) for message in messages)


def error_summary_items(page: str) -> str:
    """The messages of a page's error summary, without its heading (the heading "Có lỗi cần
    sửa" would make any summary look Vietnamese)."""
    return page.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0].split("<ul>", 1)[1]
