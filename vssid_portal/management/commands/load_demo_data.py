"""`manage.py load_demo_data`: reference data, invented people and the demo accounts.
Only where settings.DEMO_DATA_ALLOWED (the dev setup). Idempotent."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class Command(BaseCommand):
    help = "Load reference data, demo people and demo accounts (dev setup only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is not allowed with these settings (DEMO_DATA_ALLOWED is off)."
            )
        try:
            from registry import demo
        except ImportError as error:
            raise CommandError(f"registry.demo is not available: {error}") from error
        from vssid_portal.demo import demo_accounts_ensure

        demo.load_reference_data()
        demo.load_demo_people()
        from vssid_portal.demo_declarations import demo_declarations_ensure

        try:
            logins = demo_accounts_ensure()
            filed = demo_declarations_ensure()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

        site = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (dev setup only):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.role:<10} {login.username:<{width}}  {login.password:<18}  "
                f"{login.description}"
            )
        unregistered = getattr(demo, "DEMO_UNREGISTERED_CODE", None)
        if unregistered:
            self.stdout.write(f"  To try registration: BHXH code {unregistered} (no account yet)")
        if filed:
            self.stdout.write(f"  Pending declarations filed for the review queue: "
                              f"{', '.join(filed)}")
        self.stdout.write(f"  Log in at {site}{reverse('accounts:login')} "
                          f"(staff: {site}{reverse('admin:index')})")
        if settings.DEBUG:
            self.stdout.write(f"  SMS and e-mails sent: {site}{reverse('dev_outbox')}")
        self.stdout.write("")
