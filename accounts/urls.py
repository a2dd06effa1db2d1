from django.urls import path

from accounts import views, views_password

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/initial/", views.password_initial, name="password_initial"),
    path("password/change/", views_password.password_change, name="password_change"),
    path("password/change/confirm/", views_password.password_change_confirm,
         name="password_change_confirm"),
    path("password/forgot/", views_password.password_reset, name="password_reset"),
    path("password/forgot/confirm/", views_password.password_reset_confirm,
         name="password_reset_confirm"),
    path("staff/2fa/", views.staff_otp_enrol, name="staff_otp"),
]
