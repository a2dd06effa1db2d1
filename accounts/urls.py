"""The account's pages (namespace "accounts", mounted at /tai-khoan/): login, passwords,
the staff's second factor, and the citizen's own BHYT card and participation history."""
from django.urls import path

from accounts import views, views_password

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("mat-khau-lan-dau/", views.password_initial, name="password_initial"),
    path("doi-mat-khau/", views_password.password_change, name="password_change"),
    path("doi-mat-khau/xac-nhan/", views_password.password_change_confirm,
         name="password_change_confirm"),
    path("quen-mat-khau/", views_password.password_reset, name="password_reset"),
    path("quen-mat-khau/xac-nhan/", views_password.password_reset_confirm,
         name="password_reset_confirm"),
    path("xac-thuc-hai-lop/", views.staff_otp_enrol, name="staff_otp"),
    path("the-bhyt/", views.my_card, name="my_card"),
    path("qua-trinh-tham-gia/", views.my_participation, name="my_participation"),
]
