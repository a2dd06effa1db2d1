import pytest

from notifications.sms import sms_fit, sms_segments, sms_text


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


LINK = "https://dichvucong.baohiemxahoi.gov.vn/x/AbCdEfGh1234"
TEMPLATE = "VssID: Tờ khai %(number)s bị từ chối. Lý do: %(reason)s. Chi tiết: %(url)s"


def test_sms_fit_leaves_what_fits_alone():
    values = {"number": "DK2611-7Q4K9M", "reason": "Ảnh bị mờ", "url": LINK}
    assert sms_fit(TEMPLATE, values, shrink="reason") == sms_text(TEMPLATE % values)


def test_sms_fit_cuts_the_free_text_by_words_never_the_link():
    reason = "Ảnh chân dung bị che một phần khuôn mặt, không đối chiếu được với CCCD " * 3
    body = sms_fit(TEMPLATE, {"number": "DK2611-7Q4K9M", "reason": reason, "url": LINK},
                   shrink="reason")
    assert sms_segments(body) == 1 and len(body) <= 160
    assert body.startswith("VssID: To khai DK2611-7Q4K9M bi tu choi. Ly do: Anh chan dung")
    assert body.endswith("... Chi tiet: " + LINK)
    assert "...." not in body
    cut = body.split("Ly do: ")[1].split("...")[0]
    assert sms_text(reason).startswith(cut) and sms_text(reason)[len(cut)] in " ,"


def test_sms_fit_gives_up_whole_when_nothing_helps():
    values = {"number": "DK2611-7Q4K9M", "reason": "x", "url": LINK + "/" + "a" * 200}
    assert sms_fit(TEMPLATE, values, shrink="reason") == sms_text(TEMPLATE % values)
