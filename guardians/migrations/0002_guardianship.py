import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _fill_uuids(apps, schema_editor):
    GuardianLink = apps.get_model("guardians", "GuardianLink")
    for link in GuardianLink.objects.filter(uuid__isnull=True).only("pk"):
        GuardianLink.objects.filter(pk=link.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("guardians", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="guardianlink",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã định danh"),
        ),
        migrations.RunPython(_fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="guardianlink",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True,
                                   verbose_name="mã định danh"),
        ),
        migrations.AlterField(
            model_name="guardianlink",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="ghi nhận lúc"),
        ),
        migrations.AddField(
            model_name="guardianlink",
            name="approved_by",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="guardianships_approved",
                                    to=settings.AUTH_USER_MODEL, verbose_name="cán bộ duyệt"),
        ),
        migrations.AddField(
            model_name="guardianlink",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="duyệt lúc"),
        ),
        migrations.AddField(
            model_name="guardianlink",
            name="declaration_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="số tờ khai"),
        ),
        migrations.AddField(
            model_name="guardianlink",
            name="ended_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True,
                                       verbose_name="kết thúc lúc"),
        ),
        migrations.AddField(
            model_name="guardianlink",
            name="end_reason",
            field=models.CharField(blank=True, choices=[("coming_of_age", "Trẻ đủ 18 tuổi")],
                                   max_length=20, verbose_name="lý do kết thúc"),
        ),
        migrations.AlterModelOptions(
            name="guardianlink",
            options={"verbose_name": "quan hệ giám hộ", "verbose_name_plural": "quan hệ giám hộ"},
        ),
        migrations.AddConstraint(
            model_name='guardianlink',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('end_reason', ''), ('ended_at__isnull', True)), models.Q(('ended_at__isnull', False), models.Q(('end_reason', ''), _negated=True)), _connector='OR'), name='guardian_link_end_has_reason'),
        ),
    ]
