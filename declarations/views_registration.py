"""The registration form, step by step: 1 personal data -> 2 photos -> 3 receiving office
and e-mail -> 4 review -> sent. The draft lives in the session (views_draft), so Back and
a reopened tab find everything that was typed and uploaded."""
import logging

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from declarations.download_links import pdf_download_path
from declarations.forms import (
    OfficeForm,
    PersonalDataForm,
    PhotosForm,
    ReviewForm,
    add_service_errors,
)
from declarations.limits import registry_check_allowed, submit_allowed
from declarations.selectors import (
    is_province_code,
    office_by_code,
    office_label,
    offices_receiving,
    provinces_with_receiving_offices,
)
from declarations.services.registration import (
    OFFICE_FIELDS,
    PHOTO_KINDS,
    declaration_submit_self_registration,
    photos_missing_errors,
    photos_sanitize,
    self_registration_preview,
    self_registration_validate,
)
from declarations.status_links import status_path
from declarations.views_draft import SELF_REGISTRATION, STEPS, Draft
from declarations.wizard import (
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

logger = logging.getLogger(__name__)

SPEC = SELF_REGISTRATION
MSG_TOO_MANY_CHECKS = _(
    "Bạn đã kiểm tra thông tin quá nhiều lần trong một giờ. Vui lòng thử lại sau."
)
STEP_TITLES = SPEC.steps


def step_url(step: str) -> str:
    return SPEC.step_url(step)


def _render(request: HttpRequest, step: str, draft: Draft, context: dict) -> HttpResponse:
    return render_step(request, draft, step, context)


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Start, or resume where the citizen left off."""
    return resume(request, Draft.load(request.session))


@never_cache
@require_http_methods(["GET", "POST"])
def register_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    draft = Draft.load(request.session)
    gate = step_gate(request, draft, step)
    if gate is not None:
        return gate
    handler = {
        "personal": _personal,
        "photos": _photos,
        "office": _office,
        "review": _review,
    }[step]
    return handler(request, draft)


# --- step 1 --------------------------------------------------------------------------------

def personal_values(form: PersonalDataForm) -> dict:
    """What was typed, as strings; a date of birth that parses as ISO 8601 (shown again
    dd/mm/yyyy), one that does not as typed."""
    values = {}
    for name in form.fields:
        values[name] = draft_value(form.data.get(name, ""))
    form.is_valid()
    if form.cleaned_data.get("date_of_birth"):
        values["date_of_birth"] = form.cleaned_data["date_of_birth"].isoformat()
    return values


def _personal(request: HttpRequest, draft: Draft) -> HttpResponse:
    if request.method == "POST":
        form = PersonalDataForm(request.POST)
        draft.personal = personal_values(form)
        draft.step = "personal"
        if not registry_check_allowed(request):
            form.add_error(None, MSG_TOO_MANY_CHECKS)
        else:
            try:
                self_registration_validate(data=draft.registration_data(),
                                           include_office=False)
            except ValidationError as exc:
                add_service_errors(form, exc)
        if form.is_valid():
            draft.complete("personal", "photos")
            draft.save(request.session)
            return redirect(step_url("photos"))
        draft.reopen("personal")
        draft.save(request.session)
    else:
        form = PersonalDataForm(initial=draft.personal or None)
        draft.step = "personal"
        draft.save(request.session)
    return _render(request, "personal", draft, {"form": form})


# --- step 2 --------------------------------------------------------------------------------

def _photo_previews(draft: Draft) -> list[dict]:
    return photo_previews(draft, {kind.value: kind.label for kind in PHOTO_KINDS})


def _photos(request: HttpRequest, draft: Draft) -> HttpResponse:
    if request.method == "POST":
        form = PhotosForm(request.POST, request.FILES)
        form.is_valid()
        photos_take(draft, request, form, photos_sanitize)
        action = request.POST.get("action", "next")
        if action == "back":
            draft.step = "personal"
            draft.save(request.session)
            return redirect(step_url("personal"))
        if not form.errors:
            present = {kind: draft.photo_name(kind) for kind in draft.photos}
            missing = photos_missing_errors(present, draft.personal.get("id_type", "cccd"))
            if missing:
                add_service_errors(form, ValidationError(missing))
        if not form.errors:
            draft.complete("photos", "office")
            draft.save(request.session)
            return redirect(step_url("office"))
        draft.step = "photos"
        draft.save(request.session)
    else:
        form = PhotosForm()
        draft.step = "photos"
        draft.save(request.session)
    return _render(request, "photos", draft, {"form": form, "previews": _photo_previews(draft)})


@never_cache
def register_photo(request: HttpRequest, kind: str) -> HttpResponse:
    """A preview of one of this session's draft photos: nothing else can be reached here."""
    return photo_response(Draft.load(request.session), kind)


# --- step 3 --------------------------------------------------------------------------------

def _office_choices(offices) -> list[tuple[str, str]]:
    return [(office.code, office_label(office)) for office in offices]


def _province_param(value: str) -> str:
    """A province filter as typed in a query or a form: a province code, or "" (all)."""
    return value if is_province_code(value) else ""


def _selected_province(request: HttpRequest, draft: Draft) -> str:
    if "province" in request.GET:
        return _province_param(request.GET.get("province", ""))
    if draft.office.get("province"):
        return _province_param(draft.office["province"])
    office = office_by_code(draft.office.get("office", ""))
    if office and office.province:
        return office.province.code
    return ""


def office_picker_context(province: str) -> dict:
    """What an office step's province filter and in-place office list need."""
    return {
        "provinces": provinces_with_receiving_offices(),
        "province": province,
        "all_offices": [
            {"code": o.code, "label": office_label(o),
             "province_code": o.province.code if o.province else ""}
            for o in offices_receiving()
        ],
    }


def _office(request: HttpRequest, draft: Draft) -> HttpResponse:
    province = _selected_province(request, draft)
    shown = list(offices_receiving(province_code=province))
    if request.method == "POST":
        all_choices = _office_choices(offices_receiving())
        form = OfficeForm(request.POST, office_choices=all_choices)
        province = _province_param(request.POST.get("province", province))
        previous_email = draft.office.get("email", "")
        draft.office = {
            "office": draft_value(request.POST.get("office", "")),
            "email": draft_value(request.POST.get("email", "")),
            "send_email": bool(request.POST.get("send_email")),
            "province": province,
        }
        if request.POST.get("action") == "back":
            draft.step = "photos"
            draft.save(request.session)
            return redirect(step_url("photos"))
        # A new e-mail is checked against other codes' declarations and accounts: that
        # check spends the registry budget like step 1, so step 3 is no oracle of e-mails.
        email_changed = draft.office["email"] and draft.office["email"] != previous_email
        if email_changed and not registry_check_allowed(request):
            form.add_error(None, MSG_TOO_MANY_CHECKS)
            draft.reopen("office")
            draft.save(request.session)
            return render_step(request, draft, "office", {
                "form": form, **office_picker_context(province)})
        try:
            self_registration_validate(data=draft.registration_data())
        except ValidationError as exc:
            # Personal-data errors here mean something changed since step 1 (e.g. an
            # account was created meanwhile): shown on top.
            office_errors = {f: e for f, e in exc.error_dict.items() if f in OFFICE_FIELDS}
            if office_errors:
                add_service_errors(form, ValidationError(office_errors))
            for field, errors in exc.error_dict.items():
                if field not in OFFICE_FIELDS:
                    for error in errors:
                        form.add_error(None, error)
        if form.is_valid():
            draft.complete("office", "review")
            draft.save(request.session)
            return redirect(step_url("review"))
        draft.reopen("office")
        draft.save(request.session)
        shown = list(offices_receiving(province_code=province))
    else:
        form = OfficeForm(initial=draft.office or None, office_choices=_office_choices(shown))
        draft.step = "office"
        draft.save(request.session)
    form.fields["office"].choices = [
        form.fields["office"].choices[0], *_office_choices(shown)
    ]
    return _render(
        request,
        "office",
        draft,
        {
            "form": form,
            **office_picker_context(province),
        },
    )


# --- step 4 --------------------------------------------------------------------------------

FIELD_STEP = {
    **dict.fromkeys(
        ("bhxh_code", "full_name", "date_of_birth", "sex", "id_type", "id_number", "address",
         "phone"), "personal"),
    **dict.fromkeys(("portrait", "id_front", "id_back"), "photos"),
    **dict.fromkeys(OFFICE_FIELDS, "office"),
}


def _submit_allowed(request: HttpRequest) -> bool:
    return submit_allowed(request)


def _review(request: HttpRequest, draft: Draft) -> HttpResponse:
    service_errors: list[dict] = []
    if request.method == "POST":
        if request.POST.get("action") == "back":
            draft.step = "office"
            draft.save(request.session)
            return redirect(step_url("office"))
        form = ReviewForm(request.POST)
        if form.is_valid() and not _submit_allowed(request):
            form.add_error(
                None, gettext("Bạn đã gửi quá nhiều tờ khai. Vui lòng thử lại sau một giờ.")
            )
        if form.is_valid():
            try:
                declaration = declaration_submit_self_registration(
                    data=draft.registration_data(commitment_accepted=True),
                    photos=draft.photos_loaded(),
                    language=getattr(request, "LANGUAGE_CODE", "vi"),
                    request=request,
                )
            except ValidationError as exc:
                service_errors = service_error_summary(SPEC, exc, FIELD_STEP, "personal")
            else:
                draft.clear(request.session)
                sent_remember(request, SPEC, {
                    "number": declaration.number,
                    "status_path": status_path(declaration),
                    # Everyone can download the PDF, e-mail or not (the signed link).
                    "download_path": pdf_download_path(declaration),
                    "send_email": declaration.send_email,
                })
                return redirect("declarations:register_sent")
    else:
        form = ReviewForm()
        draft.step = "review"
        draft.save(request.session)
    data = draft.registration_data()
    try:
        # Exactly what "Gửi tờ khai" files: the name as the registry writes it, the phone
        # as stored...
        data = self_registration_preview(data=data)
    except ValidationError as exc:
        # ...or, when something changed since step 3, why nothing can be filed yet.
        service_errors = service_errors or service_error_summary(
            SPEC, exc, FIELD_STEP, "personal")
    office = office_by_code(data.office)
    return _render(
        request,
        "review",
        draft,
        {
            "form": form,
            "data": data,
            "office_label": office_label(office) if office else "",
            "previews": _photo_previews(draft),
            "service_errors": service_errors,
            "id_type_label": dict(PersonalDataForm.base_fields["id_type"].choices).get(
                data.id_type, ""
            ),
            "sex_label": dict(PersonalDataForm.base_fields["sex"].choices).get(data.sex, ""),
        },
    )


@never_cache
def register_sent(request: HttpRequest) -> HttpResponse:
    sent = sent_summary(request, SPEC)
    if sent is None:
        return redirect("declarations:register")
    return render(
        request,
        "declarations/register_sent.html",
        {"sent": sent,
         "steps": steps_context(SPEC, "sent", Draft(spec=SPEC, completed=list(STEPS)),
                                links=False)},
    )
