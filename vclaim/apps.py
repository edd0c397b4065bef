from django.apps import AppConfig


class VclaimConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vclaim"
    verbose_name = "VClaim"
