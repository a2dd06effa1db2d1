"""Reads of the outbox."""
from django.db import models
from django.db.models import QuerySet

from notifications.models import OutboundMessage


def concerns_key(obj: models.Model) -> tuple[str, str]:
    """How a message records what it is about: the model label and its uuid (or pk)."""
    ident = getattr(obj, "uuid", None) or obj.pk
    return obj._meta.label_lower, str(ident)


def messages_concerning(
    obj: models.Model, *, status: str | None = None, channel: str | None = None
) -> QuerySet[OutboundMessage]:
    concerns_type, concerns_id = concerns_key(obj)
    qs = OutboundMessage.objects.filter(concerns_type=concerns_type, concerns_id=concerns_id)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs
