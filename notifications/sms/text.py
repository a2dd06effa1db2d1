"""SMS text: Vietnamese folded to plain ASCII, and the number of segments it costs.

Text with diacritics has to travel as UCS-2 (70 characters a segment instead of 160), so
an SMS with diacritics costs two to three times as much: we send ASCII.
"""
import math
import unicodedata

# GSM 03.38 basic character set (the part that is ASCII) and its extension table, whose
# characters cost two septets.
_GSM_BASIC = set(
    "@$\n\r _!\"#%&'()*+,-./0123456789:;<=>?"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
_GSM_EXTENDED = set("^{}\\[]~|")
_REPLACEMENTS = {
    "đ": "d", "Đ": "D", "`": "'", "‘": "'", "’": "'", "“": '"', "”": '"',
    "–": "-", "—": "-", "…": "...", "\t": " ", "\u00a0": " ",
}

SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_MULTI_SEGMENT = 67


def sms_text(s: str) -> str:
    """`s` as plain GSM-7-safe ASCII: diacritics removed, đ → d, curly quotes straightened,
    anything else that is not ASCII replaced by '?'."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch):
            continue
        ch = _REPLACEMENTS.get(ch, ch)
        for c in ch:
            out.append(c if c in _GSM_BASIC or c in _GSM_EXTENDED else "?")
    return unicodedata.normalize("NFC", "".join(out))


def _gsm_septets(body: str) -> int | None:
    """The GSM-7 septets `body` takes, or None when it does not fit the GSM alphabet."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in body):
        return sum(2 if c in _GSM_EXTENDED else 1 for c in body)
    return None


def sms_segments(body: str) -> int:
    """How many segments `body` costs: GSM-7 (160, or 153 each when concatenated) when it
    fits the GSM alphabet, UCS-2 (70, or 67 each) otherwise."""
    septets = _gsm_septets(body)
    if septets is not None:
        length = septets
        single, multi = SINGLE_SEGMENT, MULTI_SEGMENT
    else:
        # UTF-16 code units: characters outside the BMP take two.
        length = len(body.encode("utf-16-le")) // 2
        single, multi = UCS2_SINGLE_SEGMENT, UCS2_MULTI_SEGMENT
    if length <= single:
        return 1
    return math.ceil(length / multi)


def sms_fit(template: str, values: dict[str, str], *, shrink: str) -> str:
    """`template % values` as sms_text, in one segment: when it does not fit, the value
    named `shrink` (free text such as a rejection reason) loses words from its end and
    ends in "...". The other values (a number, a password, a link) are never cut: a link
    cut short is worse than none. When even an empty `shrink` does not fit, the text is
    returned whole and the caller's segment check decides."""
    words = sms_text(str(values[shrink])).split()
    for count in range(len(words), -1, -1):
        part = " ".join(words[:count])
        if count < len(words):
            part = part.rstrip(" ,.;:-") + "..."
        text = sms_text(template % {**values, shrink: part})
        if count < len(words):
            text = text.replace(part + ".", part, 1)  # "...." reads as a typo
        if (_gsm_septets(text) or 0) <= SINGLE_SEGMENT:  # sms_text output is all GSM-7
            return text
    return sms_text(template % values)
