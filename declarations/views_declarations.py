"""A citizen's declarations, their own and their children's: the list, one declaration in
the browser (printable), its PDF and photos, sending it on by e-mail, and the PDF through
the signed link of the SMS. Every page starts from declarations_visible_to_citizen."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from declarations.download_links import (
    declaration_from_download_token,
    download_allowed,
    pdf_download_url,
)
from declarations.limits import web_rate_allowed
from declarations.models import Attachment, Declaration
from declarations.private_files import private_file_response
from declarations.selectors import (
    declaration_visible_to_citizen,
    declarations_visible_to_citizen,
    office_label,
)
from declarations.services.pdf import declaration_pdf_filename
from declarations.services.sharing import declaration_share_by_email
from declarations.status_links import keep_token_out_of_referers
from guardians.selectors import child_in_care_of

MSG_TOO_MANY_SHARES = _(
    "Bạn đã gửi tờ khai qua thư điện tử quá nhiều lần. Vui lòng thử lại sau một giờ."
)
LIST_LIMIT = 50


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _visible_or_404(request: HttpRequest, uuid) -> Declaration:
    declaration = declaration_visible_to_citizen(user=request.user, declaration_uuid=uuid)
    if declaration is None:
        raise Http404
    return declaration


def _pdf_response(declaration: Declaration, *, inline: bool = False) -> HttpResponse:
    try:
        return private_file_response(
            declaration.pdf.name, content_type="application/pdf", as_attachment=not inline,
            filename=declaration_pdf_filename(declaration),
        )
    except FileNotFoundError:
        raise Http404 from None


def _pdf_pending(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    """The PDF is rendered within seconds of the submit; until then, say so: 202 with
    Retry-After (not a 5xx: the request is fine, and Django would log its URL, which on
    the SMS link is a credential)."""
    response = render(request, "declarations/pdf_pending.html",
                      {"declaration": declaration}, status=202)
    response["Retry-After"] = "30"
    return _private(response)


@never_cache
@require_safe
@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    """The citizen's declarations; `?con=<guardianship id>` narrows to one child."""
    declarations = declarations_visible_to_citizen(user=request.user)
    child_link = None
    if "con" in request.GET:
        child_link = child_in_care_of(guardian=request.user, link_uuid=request.GET["con"])
        if child_link is None:
            raise Http404
        declarations = declarations.filter(insured_person_id=child_link.child_id)
    rows = list(declarations.select_related("office", "office__parent")
                .order_by("-submitted_at")[:LIST_LIMIT])
    return _private(render(request, "declarations/list.html", {
        "declarations": rows, "child_link": child_link,
    }))


@never_cache
@require_safe
@login_required
def declaration_detail(request: HttpRequest, uuid) -> HttpResponse:
    declaration = _visible_or_404(request, uuid)
    kinds = set(declaration.attachments.values_list("kind", flat=True))
    photos = [{"kind": kind, "label": label} for kind, label in Attachment.Kind.choices
              if kind in kinds]
    return _private(render(request, "declarations/detail.html", {
        "declaration": declaration,
        "office_label": office_label(declaration.office),
        "photos": photos,
        "pdf_ready": bool(declaration.pdf),
        "share_link": pdf_download_url(declaration),
        "pdf_url": reverse("declarations:pdf", kwargs={"uuid": declaration.uuid}),
    }))


@never_cache
@require_safe
@login_required
def declaration_pdf(request: HttpRequest, uuid) -> HttpResponse:
    declaration = _visible_or_404(request, uuid)
    if not declaration.pdf:
        return _pdf_pending(request, declaration)
    audit_record(action=AuditAction.PDF_VIEWED, target=declaration, actor=request.user,
                 data={"number": declaration.number, "channel": "web"}, request=request)
    return _pdf_response(declaration, inline=request.GET.get("xem") == "1")


@never_cache
@require_safe
@login_required
def declaration_photo(request: HttpRequest, uuid, kind: str) -> HttpResponse:
    declaration = _visible_or_404(request, uuid)
    if kind not in Attachment.Kind.values:
        raise Http404
    attachment = declaration.attachments.filter(kind=kind).first()
    if attachment is None:
        raise Http404
    try:
        return private_file_response(attachment.file.name,
                                     content_type=attachment.content_type or "image/jpeg")
    except FileNotFoundError:
        raise Http404 from None


@never_cache
@require_POST
@login_required
def declaration_share(request: HttpRequest, uuid) -> HttpResponse:
    """Send the declaration on by e-mail to the address typed (POST, so that the address
    never lands in a URL). Answers with the declaration page and a message."""
    declaration = _visible_or_404(request, uuid)
    if not web_rate_allowed(request, scope="declaration_share", ident=f"user:{request.user.pk}"):
        messages.error(request, MSG_TOO_MANY_SHARES)
    else:
        try:
            declaration_share_by_email(
                declaration=declaration, email=request.POST.get("email", ""),
                actor=request.user, context=AuditContext.from_request(request),
            )
        except ValidationError as exc:
            messages.error(request, exc.message_dict["email"][0])
        else:
            messages.success(request, gettext(
                "Tờ khai sẽ được gửi tới địa chỉ thư điện tử bạn đã nhập trong vài phút."))
    return redirect("declarations:detail", uuid=declaration.uuid)


@never_cache
@require_safe
def pdf_download(request: HttpRequest, token: str) -> HttpResponse:
    """The PDF through the signed, expiring link of the SMS: no login needed, nothing for a
    forged, altered or expired token."""
    return pdf_download_response(request, declaration_from_download_token(token))


def pdf_download_response(request: HttpRequest, declaration: Declaration | None
                          ) -> HttpResponse:
    """The PDF for whoever holds a link to it (the signed link, or a short link of the
    SMS): 404 without a declaration or once the link may no longer open it (a child's at
    18), 202 while it renders."""
    if declaration is not None and not download_allowed(declaration):
        declaration = None
    if declaration is None:
        response = render(request, "declarations/status_invalid.html", status=404)
    elif not declaration.pdf:
        response = _pdf_pending(request, declaration)
    else:
        audit_record(action=AuditAction.DECLARATION_DOWNLOADED, target=declaration,
                     data={"number": declaration.number}, request=request)
        response = _pdf_response(declaration)
    # The token is a credential: keep it out of Referer headers (and caches: never_cache).
    return keep_token_out_of_referers(response)
