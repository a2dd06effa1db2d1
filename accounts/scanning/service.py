"""scan_image: a photo of a CCCD or BHYT card -> the fields its QR code holds."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .decoders import decode_qr
from .parsers import BHYT_NEW_CARD, BHYT_OLD_CARD, CCCD_NUMBER, ScanError, parse_bhyt, parse_cccd

KINDS = ("cccd", "bhyt")


@dataclass(frozen=True)
class ScanResult:
    kind: str  # "cccd" | "bhyt"
    fields: dict = field(default_factory=dict)


def recognise(text: str) -> str | None:
    """Which card a QR payload looks like it comes from, before parsing it in full."""
    text = text.strip().lstrip("\ufeff")
    head = text.split("|", 1)[0].strip().upper()
    if "|" in text and CCCD_NUMBER.match(head):
        return "cccd"
    if text.endswith("$") and (BHYT_OLD_CARD.match(head) or BHYT_NEW_CARD.match(head)):
        return "bhyt"
    return None


def parse_payload(payload: bytes) -> ScanResult:
    """A QR payload (raw bytes) -> ScanResult; ScanError when it is not a CCCD/BHYT code."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_a_card() from exc
    kind = recognise(text)
    if kind == "cccd":
        return ScanResult(kind="cccd", fields=parse_cccd(text))
    if kind == "bhyt":
        return ScanResult(kind="bhyt", fields=parse_bhyt(text))
    raise _not_a_card()


def scan_image(data: bytes, *, kind: str | None = None, engine: str | None = None) -> ScanResult:
    """Decode the QR code(s) in a picture and parse the CCCD or BHYT one.

    ``kind`` ("cccd" or "bhyt") says which card the citizen meant to scan: a QR of the
    other card is refused with a message that says so. ``engine`` overrides
    settings.QR_DECODER (benchmarks and tests).
    """
    if kind not in (None, *KINDS):
        raise ValueError(f"kind must be one of {KINDS} or None")
    payloads = decode_qr(data, engine=engine, error_class=ScanError)
    if not payloads:
        raise ScanError(
            _("Không tìm thấy mã QR trong ảnh. Hãy chụp lại gần hơn, đủ sáng, "
              "không bị lóa và giữ máy thật yên."),
            code="no_qr",
        )
    return _of_kind(payloads, kind)


def parse_payload_of_kind(payload: bytes, *, kind: str | None = None) -> ScanResult:
    """The raw bytes of one QR code already read elsewhere (the browser's camera scan) ->
    ScanResult, by exactly the rules applied to a photo's codes (UTF-8, strict)."""
    if kind not in (None, *KINDS):
        raise ValueError(f"kind must be one of {KINDS} or None")
    return _of_kind([payload], kind)


def _of_kind(payloads: list[bytes], kind: str | None) -> ScanResult:
    results: list[ScanResult] = []
    first_error: ScanError | None = None
    for payload in payloads:
        try:
            results.append(parse_payload(payload))
        except ScanError as exc:
            first_error = first_error or exc
    if not results:
        raise first_error  # type: ignore[misc]  # payloads non-empty: an error was kept
    if kind is None:
        return results[0]
    for result in results:
        if result.kind == kind:
            return result
    if kind == "bhyt":
        message = _("Đây là mã QR của thẻ CCCD, không phải thẻ BHYT. "
                    "Hãy chụp mã QR trên thẻ BHYT.")
    else:
        message = _("Đây là mã QR của thẻ BHYT, không phải thẻ CCCD. "
                    "Hãy chụp mã QR trên thẻ CCCD.")
    raise ScanError(message, code="wrong_kind")


def _not_a_card() -> ScanError:
    return ScanError(
        _("Mã QR trong ảnh không phải mã QR của thẻ CCCD hoặc thẻ BHYT."), code="not_a_card"
    )
