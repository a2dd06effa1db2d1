import pytest

from notifications.sms import sms_segments, sms_text


def test_sms_text_folds_vietnamese_to_ascii():
    assert sms_text("Đặng Mạnh Hùng, mã OTP của bạn") == "Dang Manh Hung, ma OTP cua ban"
    assert sms_text("Tờ khai “01/ĐK-GD” — đã nhận…") == 'To khai "01/DK-GD" - da nhan...'
    assert sms_text("ƯỚC ơ ư Ỹ").isascii()


def test_sms_text_replaces_what_gsm_cannot_carry():
    assert sms_text("a`b€c") == "a'b?c"


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("[" * 80, 1),  # extension characters cost two septets
        ("[" * 81, 2),
        ("ạ" * 70, 1),  # UCS-2
        ("ạ" * 71, 2),
        ("ạ" * 134, 2),
        ("ạ" * 135, 3),
    ],
)
def test_sms_segments(body, segments):
    assert sms_segments(body) == segments


def test_diacritics_cost_more_than_ascii():
    text = "Tờ khai số 2026-000123 của bạn đã được tiếp nhận tại BHXH cơ sở Đống Đa. " * 2
    assert sms_segments(text) > sms_segments(sms_text(text))
