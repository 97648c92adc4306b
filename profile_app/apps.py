from django.apps import AppConfig


class ProfileAppConfig(AppConfig):
    name = "profile_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.images import register_image_cleanup
        from profile_app import signals  # noqa: F401
        from profile_app.models import Profile

        register_image_cleanup(Profile, "file")
