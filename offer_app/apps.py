from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferAppConfig(AppConfig):
    name = "offer_app"
    verbose_name = _("Offers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.images import register_image_cleanup
        from offer_app import signals  # noqa: F401
        from offer_app.models import Offer

        register_image_cleanup(Offer, "image")
