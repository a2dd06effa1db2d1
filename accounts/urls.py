from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/initial/", views.password_initial, name="password_initial"),
    path("staff/2fa/", views.staff_otp_enrol, name="staff_otp"),
]
