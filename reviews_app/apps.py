from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsAppConfig(AppConfig):
    name = "reviews_app"
    verbose_name = _("Reviews")
    default_auto_field = "django.db.models.BigAutoField"
