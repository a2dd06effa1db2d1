import functools

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.services import user_language_set
from registry.uploads import UploadTooLarge

# (url name, title, description): the flows the home page links to.
FLOWS = [
    ("declarations:register", _("Đăng ký tài khoản giao dịch điện tử"),
     _("Kê khai thông tin, ảnh giấy tờ và chọn cơ quan BHXH tiếp nhận.")),
    ("accounts:login", _("Đăng nhập"), _("Đăng nhập bằng mã số BHXH và mật khẩu.")),
    ("registry:lookup_bhxh_code", _("Tra cứu mã số BHXH"),
     _("Tìm mã số BHXH theo họ tên, ngày sinh và tỉnh/thành phố.")),
    ("registry:offices", _("Tra cứu cơ quan BHXH"),
     _("Tìm cơ quan BHXH theo tỉnh/thành phố, tên hoặc mã.")),
    ("registry:facilities", _("Tra cứu cơ sở khám chữa bệnh"),
     _("Cơ sở khám chữa bệnh nhận đăng ký BHYT ban đầu.")),
    ("accounts:my_card", _("Thẻ BHYT điện tử"), _("Xem thẻ BHYT của bạn và mã QR của thẻ.")),
    ("accounts:my_participation", _("Quá trình tham gia"),
     _("Các giai đoạn đóng BHXH, BHYT, BHTN, BHTNLĐ-BNN của bạn.")),
    ("declarations:child_register", _("Đăng ký tài khoản cho con"),
     _("Cha, mẹ hoặc người giám hộ đăng ký tài khoản cho trẻ dưới 18 tuổi.")),
    ("accounts:password_change", _("Đổi mật khẩu"), _("Đổi mật khẩu với mã OTP gửi qua SMS.")),
    ("declarations:status_lookup", _("Tình trạng tờ khai"), _("Xem tờ khai của bạn đang ở đâu.")),
]


# (url name, title, description): "Dịch vụ công", the services of a logged-in citizen.
PUBLIC_SERVICES = [
    ("declarations:child_register", _("Đăng ký tài khoản cho con"),
     _("Cha, mẹ hoặc người giám hộ đăng ký tài khoản cho trẻ dưới 18 tuổi chưa có CCCD.")),
    ("guardians:family", _("Gia đình"),
     _("Thẻ BHYT, quá trình tham gia và tờ khai của con bạn.")),
    ("declarations:list", _("Tờ khai của tôi và của con"),
     _("Xem, in, tải và gửi tờ khai đã nộp.")),
    ("accounts:my_card", _("Thẻ BHYT điện tử"), _("Xem thẻ BHYT của bạn và mã QR của thẻ.")),
    ("accounts:my_participation", _("Quá trình tham gia"),
     _("Các giai đoạn đóng BHXH, BHYT, BHTN, BHTNLĐ-BNN của bạn.")),
    ("accounts:password_change", _("Đổi mật khẩu"), _("Đổi mật khẩu với mã OTP gửi qua SMS.")),
]


def _links(entries) -> list[dict]:
    links = []
    for url_name, title, description in entries:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a service not offered by this installation
        links.append({"url": url, "title": title, "description": description})
    return links


@never_cache
@login_required
def public_services(request: HttpRequest) -> HttpResponse:
    return render(request, "public_services.html", {"flows": _links(PUBLIC_SERVICES)})


def _home_flows(authenticated: bool) -> list[dict]:
    flows = []
    for url_name, title, description in FLOWS:
        if url_name == "accounts:login" and authenticated:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a flow not yet offered by this installation
        flows.append({"url": url, "title": title, "description": description})
    return flows


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    # A callable: the template calls it only when it renders the list, once per process
    # and language ({% fragment "home" %}), rather than reversing ten URLs per request.
    flows = functools.partial(_home_flows, request.user.is_authenticated)
    return render(request, "home.html", {"flows": flows})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a logged-in user's choice is also kept on the account."""
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""),
                          request=request)
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the portal's page, or DRF's error shape under /api/."""
    if _is_api(request):
        # DRF's own message, so the translation is the one DRF clients already see.
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 raised before any view (a body too big or with too many fields, a suspicious
    request): the portal's page, or JSON in DRF's shape under /api/. An upload over the
    limits (registry.uploads) is a 413 saying which limit."""
    if isinstance(exception, UploadTooLarge):
        if _is_api(request):
            return JsonResponse(exception.body(), status=413)
        return render(request, "413.html", {"message": exception.message,
                                            "back_url": request.path}, status=413)
    if _is_api(request):
        return JsonResponse({"detail": gettext("Yêu cầu không hợp lệ hoặc quá lớn.")},
                            status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the portal's page, or DRF's error shape under /api/."""
    if _is_api(request):
        return JsonResponse({"detail": gettext("A server error occurred.")}, status=500)
    return defaults.server_error(request)
