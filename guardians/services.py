"""Writes of the guardianship: created on approval of a child's registration, ended when
the child comes of age. Each writes its audit record in the caller's transaction."""
import datetime
import logging

from django.db import transaction
from django.utils import timezone

from accounts.services.coming_of_age import child_account_release
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from guardians.models import GuardianLink
from guardians.selectors import guardianships_due_to_end
from registry.models import InsuredPerson

logger = logging.getLogger(__name__)


def guardianship_create(
    *,
    guardian,
    child: InsuredPerson,
    relationship: str,
    approved_by,
    declaration_number: str,
    context: AuditContext | None = None,
) -> GuardianLink:
    """Record that `guardian` acts for `child`, approved by `approved_by` now. A link that
    already exists (the same guardian registered the child before) is brought up to date
    rather than duplicated. Runs inside the caller's transaction (the approval)."""
    if relationship not in GuardianLink.Relationship.values:
        relationship = GuardianLink.Relationship.GUARDIAN
    now = timezone.now()
    with transaction.atomic():
        link, created = GuardianLink.objects.select_for_update().get_or_create(
            guardian=guardian, child=child,
            defaults={"relationship": relationship, "approved_by": approved_by,
                      "approved_at": now, "declaration_number": declaration_number},
        )
        if not created:
            link.relationship = relationship
            link.approved_by = approved_by
            link.approved_at = now
            link.declaration_number = declaration_number
            link.ended_at = None
            link.end_reason = ""
            link.save(update_fields=["relationship", "approved_by", "approved_at",
                                     "declaration_number", "ended_at", "end_reason"])
        audit_record(
            action=AuditAction.GUARDIANSHIP_CREATED, target=link, actor=approved_by,
            data={"guardian": guardian.pk, "child": child.bhxh_code,
                  "relationship": relationship, "declaration": declaration_number,
                  "renewed": not created},
            context=context,
        )
    return link


def guardianships_end_coming_of_age(*, today: datetime.date | None = None) -> int:
    """End every guardianship whose child has turned 18 (reads already refuse them; this
    makes it visible in the admin and the audit trail) and release the child's account
    from the guardian (accounts.services.coming_of_age). Safe to run twice. Returns how
    many ended."""
    ended = 0
    due_ids = list(guardianships_due_to_end(today=today).values_list("pk", flat=True)[:10_000])
    for link_id in due_ids:
        with transaction.atomic():
            link = (
                GuardianLink.objects.select_for_update(of=("self",))
                .select_related("child", "guardian")
                .filter(pk=link_id, ended_at__isnull=True)
                .first()
            )
            if link is None:
                continue
            link.ended_at = timezone.now()
            link.end_reason = GuardianLink.EndReason.COMING_OF_AGE
            link.save(update_fields=["ended_at", "end_reason"])
            child_account_release(person=link.child, guardian=link.guardian)
            audit_record(
                action=AuditAction.GUARDIANSHIP_ENDED, target=link,
                data={"guardian": link.guardian_id, "child": link.child.bhxh_code,
                      "reason": link.end_reason},
            )
            ended += 1
    if ended:
        logger.info("%d guardianships ended (children came of age)", ended)
    return ended
