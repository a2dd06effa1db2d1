"""The languages a person's messages and documents can be in, named in the interface's
language (the language switch names each language in itself: settings.LANGUAGES)."""
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
