from django.apps import AppConfig


class OfferAppConfig(AppConfig):
    name = "offer_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from offer_app import signals  # noqa: F401
