"""A guardian registers an account for their child, step by step on the wizard engine
(declarations.wizard): 1 the child (BHXH code, name, relationship; typed, looked up or read
from the child's BHYT QR) → 2 the child's portrait and birth certificate → 3 the receiving
office, preset to the one on the child's card → 4 the commitment, "Đồng ý" sends and "Hủy"
cancels → the success screen."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scanning import ScanError, scan_image
from audit.context import AuditContext, client_address
from declarations.download_links import pdf_download_url
from declarations.forms import ChildForm, ChildOfficeForm, ChildPhotosForm, add_service_errors
from declarations.limits import registry_check_allowed, submit_allowed, web_rate_allowed
from declarations.models import Attachment
from declarations.selectors import (
    declaration_visible_to_citizen,
    is_province_code,
    office_by_code,
    office_label,
    offices_receiving,
)
from declarations.services.child_registration import (
    CHILD_FIELDS,
    CHILD_PHOTO_KINDS,
    ChildRegistrationData,
    child_office_default,
    child_photos_missing_errors,
    child_registration_preview,
    child_registration_validate,
    declaration_submit_child_registration,
)
from declarations.services.registration import photos_sanitize
from declarations.views_registration import office_picker_context
from declarations.wizard import (
    WizardDraft,
    WizardSpec,
    draft_value,
    photo_previews,
    photo_response,
    photos_take,
    render_step,
    resume,
    sent_remember,
    sent_summary,
    service_error_summary,
    step_gate,
    steps_context,
)
from guardians.models import GuardianLink

SPEC = WizardSpec(
    session_key="child_registration_draft",
    sent_key="child_registration_sent",
    steps={
        "child": _("Thông tin của con"),
        "photos": _("Ảnh của con và giấy khai sinh"),
        "office": _("Cơ quan BHXH tiếp nhận"),
        "commitment": _("Cam kết và gửi"),
    },
    slugs={"child": "thong-tin", "photos": "anh", "office": "co-quan", "commitment": "cam-ket"},
    groups={"child": (), "office": ()},
    photo_kinds=tuple(kind.value for kind in CHILD_PHOTO_KINDS),
    step_url_name="declarations:child_step",
    photo_url_name="declarations:child_photo",
    start_url_name="declarations:child_register",
    sent_url_name="declarations:child_sent",
    template_prefix="declarations/child_",
)
FIELD_STEP = {**dict.fromkeys(CHILD_FIELDS, "child"),
              **dict.fromkeys(SPEC.photo_kinds, "photos"), "office": "office"}
PHOTO_LABELS = {
    Attachment.Kind.PORTRAIT.value: _("Ảnh chân dung của con"),
    Attachment.Kind.BIRTH_CERTIFICATE.value: _("Ảnh giấy khai sinh của con"),
}
SCAN_MAX_BYTES = 15 * 1024 * 1024
MSG_TOO_MANY_CHECKS = _(
    "Bạn đã kiểm tra quá nhiều mã số BHXH trong một giờ. Vui lòng thử lại sau."
)


def citizen_required(view):
    """Logged in with a citizen's account (staff have no children to register here)."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.is_staff or request.user.insured_person_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


def _draft(request: HttpRequest) -> WizardDraft:
    return WizardDraft.load_for(SPEC, request.session)


def _data(draft: WizardDraft, *, commitment: bool = False) -> ChildRegistrationData:
    child, office = draft.values.get("child", {}), draft.values.get("office", {})
    return ChildRegistrationData(
        bhxh_code=child.get("bhxh_code", ""),
        full_name=child.get("full_name", ""),
        relationship=child.get("relationship", ""),
        office=office.get("office", ""),
        commitment_accepted=commitment,
    )


@never_cache
@citizen_required
def child_register(request: HttpRequest) -> HttpResponse:
    return resume(request, _draft(request))


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def child_step(request: HttpRequest, step: str) -> HttpResponse:
    draft = _draft(request)
    gate = step_gate(request, draft, step)
    if gate is not None:
        return gate
    return {"child": _child, "photos": _photos, "office": _office,
            "commitment": _commitment}[step](request, draft)


# --- 1 the child -------------------------------------------------------------------------

def _child(request: HttpRequest, draft: WizardDraft) -> HttpResponse:
    if request.method == "POST":
        form = ChildForm(request.POST)
        values = {name: draft_value(request.POST.get(name, "")) for name in form.fields}
        previous_code = draft.values.get("child", {}).get("bhxh_code")
        draft.values["child"] = values
        if form.is_valid():
            if not (web_rate_allowed(request, scope="child_check",
                                     ident=f"user:{request.user.pk}")
                    and registry_check_allowed(request)):
                form.add_error(None, MSG_TOO_MANY_CHECKS)
            else:
                try:
                    validated = child_registration_validate(
                        guardian=request.user, data=_data(draft),
                        include_office=False, include_commitment=False,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    # As the registry writes them (the name matched ignoring case,
                    # diacritics and spacing): what the next steps and the PDF show.
                    draft.values["child"]["bhxh_code"] = validated.data.bhxh_code
                    draft.values["child"]["full_name"] = validated.child.full_name
                    if previous_code != validated.data.bhxh_code or not draft.values.get(
                            "office", {}).get("office"):
                        office = child_office_default(validated.child)
                        draft.values["office"] = {"office": office.code if office else ""}
                    draft.complete("child", "photos")
                    draft.save(request.session)
                    return redirect(SPEC.step_url("photos"))
        draft.reopen("child")
        draft.save(request.session)
    else:
        form = ChildForm(initial=draft.values.get("child") or None)
        draft.step = "child"
        draft.save(request.session)
    return render_step(request, draft, "child", {"form": form})


@never_cache
@citizen_required
@require_POST
def child_scan(request: HttpRequest) -> HttpResponse:
    """Without JavaScript: step 1 posted with a photo of the child's BHYT card QR; keeps
    what was typed and fills the BHXH code and the name from the QR."""
    draft = _draft(request)
    form = ChildForm(request.POST)
    draft.values["child"] = {name: draft_value(request.POST.get(name, ""))
                             for name in form.fields}
    upload = request.FILES.get("scan_bhyt")
    if not web_rate_allowed(request, scope="scan", ident=client_address(request)):
        messages.error(request, gettext("Bạn đã quét quá nhiều ảnh. Vui lòng thử lại sau."))
    elif upload is None:
        messages.error(request, gettext("Vui lòng chọn hoặc chụp ảnh có mã QR trước khi quét."))
    elif upload.size > SCAN_MAX_BYTES:
        messages.error(request, gettext("Ảnh quá lớn (tối đa 15 MB)."))
    else:
        try:
            result = scan_image(upload.read(), kind="bhyt")
        except ScanError as exc:
            messages.error(request, exc.messages[0])
        else:
            filled = [name for name in ("bhxh_code", "full_name")
                      if (result.fields.get(name) or "").strip()]
            for name in filled:
                draft.values["child"][name] = result.fields[name].strip()
            if filled:
                messages.success(request, gettext(
                    "Đã đọc mã QR và điền: %(fields)s. Vui lòng kiểm tra lại."
                ) % {"fields": ", ".join(str(ChildForm.base_fields[f].label) for f in filled)})
            else:
                messages.error(request, gettext("Mã QR không có thông tin để điền vào tờ khai."))
    draft.reopen("child")
    draft.save(request.session)
    return redirect(SPEC.step_url("child"))


# --- 2 photos ----------------------------------------------------------------------------

def _photos(request: HttpRequest, draft: WizardDraft) -> HttpResponse:
    if request.method == "POST":
        form = ChildPhotosForm(request.POST, request.FILES)
        form.is_valid()
        photos_take(draft, request, form, photos_sanitize)
        if request.POST.get("action") == "back":
            draft.step = "child"
            draft.save(request.session)
            return redirect(SPEC.step_url("child"))
        if not form.errors:
            present = {kind: draft.photo_name(kind) for kind in draft.photos}
            missing = child_photos_missing_errors(present)
            if missing:
                add_service_errors(form, ValidationError(missing))
        if not form.errors:
            draft.complete("photos", "office")
            draft.save(request.session)
            return redirect(SPEC.step_url("office"))
        draft.step = "photos"
        draft.save(request.session)
    else:
        form = ChildPhotosForm()
        draft.step = "photos"
        draft.save(request.session)
    return render_step(request, draft, "photos",
                       {"form": form, "previews": photo_previews(draft, PHOTO_LABELS)})


@never_cache
@citizen_required
def child_photo(request: HttpRequest, kind: str) -> HttpResponse:
    return photo_response(_draft(request), kind)


# --- 3 office ----------------------------------------------------------------------------

def _choices(offices) -> list[tuple[str, str]]:
    return [(office.code, office_label(office)) for office in offices]


def _office(request: HttpRequest, draft: WizardDraft) -> HttpResponse:
    chosen = office_by_code(draft.values.get("office", {}).get("office", ""))
    province = request.GET.get("province", "")
    if "province" not in request.GET:
        province = chosen.province.code if chosen and chosen.province else ""
    province = province if is_province_code(province) else ""
    if request.method == "POST":
        form = ChildOfficeForm(request.POST, office_choices=_choices(offices_receiving()))
        draft.values["office"] = {"office": draft_value(request.POST.get("office", ""))}
        if request.POST.get("action") == "back":
            draft.step = "photos"
            draft.save(request.session)
            return redirect(SPEC.step_url("photos"))
        if form.is_valid():
            try:
                child_registration_validate(guardian=request.user, data=_data(draft),
                                            include_commitment=False)
            except ValidationError as exc:
                office_errors = {f: e for f, e in exc.error_dict.items() if f == "office"}
                add_service_errors(form, ValidationError(office_errors or exc.error_dict))
        if form.is_valid():
            draft.complete("office", "commitment")
            draft.save(request.session)
            return redirect(SPEC.step_url("commitment"))
        draft.reopen("office")
        draft.save(request.session)
        chosen = office_by_code(draft.values["office"]["office"])
        if chosen and chosen.province:
            province = chosen.province.code
    else:
        form = ChildOfficeForm(initial=draft.values.get("office") or None,
                               office_choices=[])
        draft.step = "office"
        draft.save(request.session)
    form.fields["office"].choices = [form.fields["office"].choices[0],
                                     *_choices(offices_receiving(province_code=province))]
    return render_step(request, draft, "office", {
        "form": form, **office_picker_context(province),
    })


# --- 4 commitment ------------------------------------------------------------------------

def _commitment(request: HttpRequest, draft: WizardDraft) -> HttpResponse:
    service_errors: list[dict] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "back":
            draft.step = "office"
            draft.save(request.session)
            return redirect(SPEC.step_url("office"))
        if action == "cancel":
            draft.clear(request.session)
            messages.info(request, gettext("Đã hủy đăng ký tài khoản cho con. Thông tin và "
                                           "ảnh đã nhập đã được xóa."))
            return redirect(_after_cancel_url())
        if action == "accept":
            if not submit_allowed(request):
                service_errors.append({"message": gettext(
                    "Bạn đã gửi quá nhiều tờ khai. Vui lòng thử lại sau một giờ."),
                    "url": "", "step": ""})
            else:
                try:
                    declaration = declaration_submit_child_registration(
                        guardian=request.user, data=_data(draft, commitment=True),
                        photos=draft.photos_loaded(),
                        language=getattr(request, "LANGUAGE_CODE", "vi"),
                        context=AuditContext.from_request(request),
                    )
                except ValidationError as exc:
                    service_errors = service_error_summary(SPEC, exc, FIELD_STEP, "child")
                else:
                    draft.clear(request.session)
                    sent_remember(request, SPEC, {
                        "number": declaration.number, "uuid": str(declaration.uuid),
                        "email": bool(declaration.email),
                    })
                    return redirect(SPEC.sent_url_name)
    else:
        draft.step = "commitment"
        draft.save(request.session)
    data = _data(draft)
    try:
        # Exactly what "Đồng ý" files (the registry may have respelt the name since step 1).
        data = child_registration_preview(guardian=request.user, data=data)
    except ValidationError as exc:
        service_errors = service_errors or service_error_summary(SPEC, exc, FIELD_STEP, "child")
    office = office_by_code(data.office)
    return render_step(request, draft, "commitment", {
        "data": data,
        "relationship_label": dict(GuardianLink.Relationship.choices).get(data.relationship, ""),
        "office_label": office_label(office) if office else "",
        "previews": photo_previews(draft, PHOTO_LABELS),
        "service_errors": service_errors,
        "guardian_phone": request.user.phone,
        "guardian_email": request.user.email,
    })


def _after_cancel_url() -> str:
    try:
        return reverse("guardians:family")
    except NoReverseMatch:  # the family pages are not installed
        return reverse("home")


@never_cache
@citizen_required
def child_sent(request: HttpRequest) -> HttpResponse:
    sent = sent_summary(request, SPEC)
    declaration = declaration_visible_to_citizen(
        user=request.user, declaration_uuid=(sent or {}).get("uuid")
    )
    if declaration is None:
        return redirect(SPEC.start_url_name)
    return render(request, "declarations/child_sent.html", {
        "declaration": declaration,
        "steps": steps_context(SPEC, "sent", WizardDraft(spec=SPEC, completed=list(SPEC.steps)),
                               links=False),
        "share_link": pdf_download_url(declaration),
        "pdf_url": reverse("declarations:pdf", kwargs={"uuid": declaration.uuid}),
    })
