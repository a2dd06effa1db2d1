"""Step 1's QR helper without JavaScript: the personal-data form posted together with a
photo of the CCCD or BHYT card QR. What was typed is kept, the QR is read on the server
(accounts.scanning) and the fields it carries are filled. With JavaScript, scan.js does the
same through POST /api/v1/scan/."""
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.scanning import ScanError, scan_image
from audit.context import client_address
from declarations.forms import PersonalDataForm
from declarations.limits import web_rate_allowed
from declarations.views_draft import Draft
from declarations.views_registration import personal_values, step_url

SCAN_MAX_BYTES = 15 * 1024 * 1024
# What each QR fills on step 1 (issue 4: CCCD: number, name, DOB, sex, address; BHYT:
# BHXH code, name, DOB, sex).
SCAN_FIELDS = {
    "cccd": ("id_number", "full_name", "date_of_birth", "sex", "address"),
    "bhyt": ("bhxh_code", "full_name", "date_of_birth", "sex"),
}


@never_cache
@require_http_methods(["GET", "POST"])
def register_scan(request: HttpRequest) -> HttpResponse:
    """Without JavaScript: the step-1 form posted with a QR photo. Keeps what was typed,
    reads the QR and fills the fields it carries. A GET (a reload, a bookmark) goes back to
    step 1."""
    if request.method == "GET":
        return redirect(step_url("personal"))
    draft = Draft.load(request.session)
    draft.personal = personal_values(PersonalDataForm(request.POST))
    kind = request.POST.get("scan", "")
    upload = request.FILES.get(f"scan_{kind}") if kind in SCAN_FIELDS else None
    if not web_rate_allowed(request, scope="scan", ident=client_address(request)):
        messages.error(request, gettext("Bạn đã quét quá nhiều ảnh. Vui lòng thử lại sau."))
    elif upload is None:
        messages.error(request, gettext("Vui lòng chọn hoặc chụp ảnh có mã QR trước khi quét."))
    elif upload.size > SCAN_MAX_BYTES:
        messages.error(request, gettext("Ảnh quá lớn (tối đa 15 MB)."))
    else:
        try:
            result = scan_image(upload.read(), kind=kind)
        except ScanError as exc:
            messages.error(request, exc.messages[0])
        else:
            filled = _apply_scan(draft, result.kind, result.fields)
            if filled:
                labels = ", ".join(str(PersonalDataForm.base_fields[f].label) for f in filled)
                messages.success(
                    request,
                    gettext("Đã đọc mã QR và điền: %(fields)s. Vui lòng kiểm tra lại.")
                    % {"fields": labels},
                )
            else:
                messages.error(request, gettext("Mã QR không có thông tin để điền vào tờ khai."))
    draft.step = "personal"
    draft.save(request.session)
    return redirect(step_url("personal"))


def _apply_scan(draft: Draft, kind: str, fields: dict) -> list[str]:
    filled = []
    for name in SCAN_FIELDS.get(kind, ()):
        value = (fields.get(name) or "").strip()
        if name == "date_of_birth" and len(value) != 10:
            continue  # a year alone does not fill a date field
        if value:
            draft.personal[name] = value
            filled.append(name)
    if kind == "cccd" and "id_number" in filled:
        draft.personal["id_type"] = "cccd"
    return filled
