from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfileAppConfig(AppConfig):
    name = "profile_app"
    verbose_name = _("Profiles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.images import register_image_cleanup
        from profile_app import signals  # noqa: F401
        from profile_app.models import Profile

        register_image_cleanup(Profile, "file")
