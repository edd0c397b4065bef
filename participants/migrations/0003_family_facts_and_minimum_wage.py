
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_staff_group'),
        ('participants', '0002_segments_and_rates'),
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalparticipant',
            name='in_formal_education',
            field=models.BooleanField(default=False, verbose_name='in formal education'),
        ),
        migrations.AddField(
            model_name='historicalparticipant',
            name='marital_status',
            field=models.CharField(blank=True, choices=[('BELUM_KAWIN', 'single'), ('KAWIN', 'married'), ('CERAI_HIDUP', 'divorced'), ('CERAI_MATI', 'widowed')], max_length=12, verbose_name='marital status'),
        ),
        migrations.AddField(
            model_name='participant',
            name='in_formal_education',
            field=models.BooleanField(default=False, verbose_name='in formal education'),
        ),
        migrations.AddField(
            model_name='participant',
            name='marital_status',
            field=models.CharField(blank=True, choices=[('BELUM_KAWIN', 'single'), ('KAWIN', 'married'), ('CERAI_HIDUP', 'divorced'), ('CERAI_MATI', 'widowed')], max_length=12, verbose_name='marital status'),
        ),
        migrations.AlterField(
            model_name='participant',
            name='status_reason',
            field=models.CharField(choices=[('ACTIVE', 'active'), ('PAYMENT_DUE', "this month's contribution is due"), ('REACTIVATION_PENALTY', 'service penalty window'), ('ARREARS', 'arrears'), ('NOT_YET_COVERED', 'coverage not started'), ('SEGMENT_ENDED', 'segment ended'), ('PBI_DELISTED', 'removed from the PBI list'), ('DECEASED', 'deceased'), ('DUKCAPIL_MISMATCH', 'data differs from Dukcapil'), ('DUPLICATE_NIK', 'duplicate NIK'), ('NIK_NOT_FOUND', 'NIK not found at Dukcapil'), ('NEWBORN_UNREGISTERED', 'no NIK 3 months after birth'), ('NIK_MISSING', 'no NIK recorded'), ('AWAITING_FIRST_PAYMENT', 'awaiting the first payment'), ('PPU_NOT_DEPENDANT', 'not a PPU family member')], default='ACTIVE', max_length=24),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='old_reason',
            field=models.CharField(blank=True, choices=[('ACTIVE', 'active'), ('PAYMENT_DUE', "this month's contribution is due"), ('REACTIVATION_PENALTY', 'service penalty window'), ('ARREARS', 'arrears'), ('NOT_YET_COVERED', 'coverage not started'), ('SEGMENT_ENDED', 'segment ended'), ('PBI_DELISTED', 'removed from the PBI list'), ('DECEASED', 'deceased'), ('DUKCAPIL_MISMATCH', 'data differs from Dukcapil'), ('DUPLICATE_NIK', 'duplicate NIK'), ('NIK_NOT_FOUND', 'NIK not found at Dukcapil'), ('NEWBORN_UNREGISTERED', 'no NIK 3 months after birth'), ('NIK_MISSING', 'no NIK recorded'), ('AWAITING_FIRST_PAYMENT', 'awaiting the first payment'), ('PPU_NOT_DEPENDANT', 'not a PPU family member')], max_length=24),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='reason',
            field=models.CharField(choices=[('ACTIVE', 'active'), ('PAYMENT_DUE', "this month's contribution is due"), ('REACTIVATION_PENALTY', 'service penalty window'), ('ARREARS', 'arrears'), ('NOT_YET_COVERED', 'coverage not started'), ('SEGMENT_ENDED', 'segment ended'), ('PBI_DELISTED', 'removed from the PBI list'), ('DECEASED', 'deceased'), ('DUKCAPIL_MISMATCH', 'data differs from Dukcapil'), ('DUPLICATE_NIK', 'duplicate NIK'), ('NIK_NOT_FOUND', 'NIK not found at Dukcapil'), ('NEWBORN_UNREGISTERED', 'no NIK 3 months after birth'), ('NIK_MISSING', 'no NIK recorded'), ('AWAITING_FIRST_PAYMENT', 'awaiting the first payment'), ('PPU_NOT_DEPENDANT', 'not a PPU family member')], max_length=24),
        ),
        # Moved from payments (Info Peserta needs the PPU floor too, and participants never
        # imports payments): the table and its rows stay where they are.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MinimumWage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('monthly_amount', models.PositiveIntegerField(verbose_name='monthly minimum wage')),
                        ('source', models.CharField(blank=True, max_length=120, verbose_name='source')),
                        ('region', models.ForeignKey(limit_choices_to={'level__in': [1, 2]}, on_delete=django.db.models.deletion.PROTECT, to='core.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'regional minimum wage',
                        'verbose_name_plural': 'regional minimum wages',
                        'db_table': 'payments_minimumwage',
                        'ordering': ['region_id', '-valid_from'],
                        'constraints': [models.UniqueConstraint(fields=('region', 'valid_from'), name='one_wage_per_start')],
                    },
                ),
            ],
        ),
    ]
