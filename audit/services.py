"""Writing the audit trail. Call inside the transaction of the change being recorded."""
from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.actions import AuditAction
from audit.context import AuditContext
from audit.models import AuditRecord


def audit_record(
    *,
    action: AuditAction | str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    actor: Any = None,
    data: dict | None = None,
    context: AuditContext | None = None,
    request: HttpRequest | None = None,
) -> AuditRecord:
    """Record `action` (one of AuditAction) on `target` (or on object_type/object_id) by
    `actor`, from `context` (or `request`).

    `data` must hold no personal data (no names, phones, ID numbers): ids, codes and
    statuses only.
    """
    action = AuditAction(action)  # an unknown action is a programming error
    if context is None:
        context = AuditContext.from_request(request)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    data = dict(data or {})
    if context.channel != "internal":
        data.setdefault("channel", context.channel)
    return AuditRecord.objects.create(
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        data=data,
        ip_address=context.ip_address,
    )
