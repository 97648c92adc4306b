from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderAppConfig(AppConfig):
    name = "order_app"
    verbose_name = _("Orders")
    default_auto_field = "django.db.models.BigAutoField"
