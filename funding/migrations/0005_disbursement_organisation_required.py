# The organisation is filled by 0004 and required from now on (a separate migration, so that
# PostgreSQL has no pending trigger events from the update when the column changes).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0004_disbursement_reference_imports"),
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="disbursement",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disbursements",
                to="partners.organisation",
                verbose_name="partner",
            ),
        ),
    ]
