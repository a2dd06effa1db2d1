"""The declaration PDF (form 01/ĐK-GD): read back as text, and its QR decoded."""
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from declarations.models import Attachment, Declaration
from declarations.pdf import PDFAssetError, render_declaration_pdf
from declarations.pdf.assets import make_url_fetcher
from declarations.status_links import declaration_from_token, status_url
from tests.accounts.factories import UserFactory
from tests.integration.declarations import make_declaration

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
        check=True,
    ).stdout.decode()
    return " ".join(out.split())


def pdf_qr_texts(pdf: bytes) -> list[str]:
    """Rasterise page 1 (as a phone would photograph a printout) and decode its QR codes."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-singlefile", str(source), str(Path(tmp) / "page")],
            check=True, capture_output=True,
        )
        image = Image.open(Path(tmp) / "page.png")
        image.load()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def pdf_info(pdf: bytes) -> str:
    return subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def assert_status_link(url: str, declaration: Declaration) -> None:
    """`url` is the declaration's signed status link (the signature carries a timestamp,
    so two links made a second apart differ)."""
    prefix = status_url(declaration).rsplit("/", 2)[0] + "/"
    assert url.startswith(prefix) and url.endswith("/")
    assert declaration_from_token(url.rstrip("/").rsplit("/", 1)[-1]) == declaration


@pytest.fixture
def declaration():
    return make_declaration(
        full_name="Đặng Thị Ngọc Ánh",
        address="Số 7 ngõ Quỳnh, phường Bạch Mai, Hà Nội",
        email="ngoc.anh@example.vn",
    )


def test_self_registration_pdf_text_has_every_field(declaration):
    pdf = render_declaration_pdf(declaration)
    assert pdf.startswith(b"%PDF-1.7")
    text = pdf_text(pdf)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI ĐĂNG KÝ SỬ DỤNG PHƯƠNG THỨC GIAO DỊCH ĐIỆN TỬ TRONG LĨNH VỰC BẢO HIỂM XÃ HỘI",
        "Mẫu số 01/ĐK-GD",
        "Kính gửi: BHXH cơ sở Đống Đa (00103)",
        declaration.number,
        "Đặng Thị Ngọc Ánh",
        declaration.bhxh_code,
        "17/05/1990",
        "Nữ",
        "Căn cước công dân",
        declaration.id_number,
        "Số 7 ngõ Quỳnh, phường Bạch Mai, Hà Nội",
        "+84912345678",
        "ngoc.anh@example.vn",
        "Tôi cam kết chịu trách nhiệm trước pháp luật",
        "NGƯỜI KÊ KHAI",
    ]:
        assert expected in text, expected
    date = declaration.submitted_at.astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert f"Hà Nội, ngày {date:%d} tháng {date:%m} năm {date:%Y}" in text


def test_pdf_is_a4_tagged_and_titled(declaration):
    info = pdf_info(render_declaration_pdf(declaration))
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert "Title:" in info and declaration.number in info


def test_pdf_embeds_the_fonts_shipped_in_the_repo(declaration):
    fonts = subprocess.run(
        ["pdffonts", "-"], input=render_declaration_pdf(declaration), capture_output=True,
        check=True,
    ).stdout.decode()
    names = {line.split()[0].split("+", 1)[-1] for line in fonts.splitlines()[2:]}
    # @font-face family "DejaVu Sans Portal": regular, bold, italic, and nothing else.
    assert names == {"DejaVu-Sans-Portal", "DejaVu-Sans-Portal-Bold", "DejaVu-Sans-Portal-Italic"}
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded


def test_pdf_qr_decodes_to_the_status_link(declaration):
    [qr] = pdf_qr_texts(render_declaration_pdf(declaration))
    assert_status_link(qr, declaration)


def test_pdf_shows_the_portrait(declaration):
    images = subprocess.run(
        ["pdfimages", "-list", "-"], input=render_declaration_pdf(declaration),
        capture_output=True, check=True,
    ).stdout.decode()
    sizes = {tuple(line.split()[3:5]) for line in images.splitlines()[2:]}
    assert ("300", "400") in sizes  # the portrait, at its own resolution


def test_pdf_in_english(declaration):
    declaration.language = "en"
    text = pdf_text(render_declaration_pdf(declaration))
    # The labels follow the declaration's language (declarations' English catalogue);
    # the declared data is unchanged.
    assert "Scan to see the status" in text and "Quét mã" not in text
    assert "Đặng Thị Ngọc Ánh" in text and declaration.number in text


def test_child_registration_pdf_names_the_guardian():
    guardian = UserFactory(full_name="Trần Văn Bình", email="binh@example.vn")
    child = make_declaration(kind=Declaration.Kind.CHILD_REGISTRATION, submitted_by=guardian,
                             email="", phone="+84987654321", guardian_relationship="father")
    text = pdf_text(render_declaration_pdf(child))
    assert "Quan hệ với trẻ" in text and "Cha" in text
    # A child's registration declares the code and the name only.
    assert "Trần Minh Khôi" in text and child.bhxh_code in text
    assert "II. Thông tin cha, mẹ hoặc người giám hộ" in text
    assert "Trần Văn Bình" in text and guardian.username in text and "+84987654321" in text
    assert "binh@example.vn" in text
    assert "Tôi là cha, mẹ hoặc người giám hộ hợp pháp" in text
    [qr] = pdf_qr_texts(render_declaration_pdf(child))
    assert_status_link(qr, child)


def test_missing_portrait_fails_loudly():
    declaration = make_declaration(with_portrait=False)
    with pytest.raises(PDFAssetError, match="no portrait"):
        render_declaration_pdf(declaration)


def test_portrait_file_gone_fails_loudly(declaration):
    attachment = declaration.attachments.get(kind=Attachment.Kind.PORTRAIT)
    attachment.file.storage.delete(attachment.file.name)
    with pytest.raises(PDFAssetError, match="unreadable"):
        render_declaration_pdf(declaration)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://example.com/x.png", "vssid-asset:unknown",
     "data:image/png;base64,iVBORw0KGgo="],
)
def test_url_fetcher_allows_only_fonts_and_given_images(url):
    fetcher = make_url_fetcher({"known": (b"x", "image/png")})
    with pytest.raises(Exception):  # noqa: B017 - PDFAssetError or a disallowed protocol
        fetcher.fetch(url)
    assert fetcher.fetch("vssid-asset:known").read() == b"x"


def test_template_referencing_a_missing_asset_fails_the_render(declaration, monkeypatch):
    from declarations.pdf import render as render_module

    monkeypatch.setattr(render_module, "asset_url", lambda name: "vssid-asset:nothing-here")
    with pytest.raises(PDFAssetError):
        render_declaration_pdf(declaration)


def test_missing_font_fails_loudly(declaration, monkeypatch, tmp_path):
    from declarations.pdf import assets

    monkeypatch.setattr(assets, "font_dir", lambda: tmp_path)
    with pytest.raises(PDFAssetError, match="Font file missing"):
        render_declaration_pdf(declaration)


def test_font_configuration_and_image_cache_are_reused(declaration):
    from declarations.pdf import render as render_module

    render_declaration_pdf(declaration)
    font_config, cache = render_module._font_config, render_module._image_cache
    render_declaration_pdf(declaration)
    assert render_module._font_config is font_config and font_config is not None
    assert render_module._image_cache is cache and cache
