"""Text folding for matching Vietnamese names typed in any way.

"Nguyễn  Thị Ánh", "NGUYEN THI ANH" and the same name in decomposed Unicode (NFD) all fold
to "nguyen thi anh".
"""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose into base + combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def normalize_name(value: str) -> str:
    """NFC, single spaces, trimmed: how a name is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def fold(value: str) -> str:
    """Lower case, without diacritics, single spaces: how a name is compared and searched."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
