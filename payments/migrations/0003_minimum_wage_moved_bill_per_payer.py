
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the staff group's view permission: the content type follows the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="payments", model="minimumwage").first()
    if old is None:
        return
    ContentType.objects.filter(app_label="participants", model="minimumwage").delete()
    old.app_label = "participants"
    old.save(update_fields=["app_label"])


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="participants", model="minimumwage").update(
        app_label="payments"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('families', '0002_relationship_parent_and_parent_in_law'),
        ('participants', '0003_family_facts_and_minimum_wage'),
        ('payments', '0002_minimum_wages_and_staff_permissions'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='bill',
            name='one_bill_per_family_month',
        ),
        migrations.AddConstraint(
            model_name='bill',
            constraint=models.UniqueConstraint(fields=('family', 'month', 'payer'), name='one_bill_per_family_month_payer'),
        ),
        # The model now lives in participants on the same table (participants 0003).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='MinimumWage')],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
