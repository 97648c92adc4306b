"""Keeps an offer's stored minima in step with its packages, however they are written (API or admin)."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from offer_app.models import Offer, OfferDetail


def _deleting_offers(origin):
    return isinstance(origin, Offer) or (isinstance(origin, QuerySet) and origin.model is Offer)


@receiver(post_save, sender=OfferDetail, dispatch_uid="offer_app.package_saved")
@receiver(post_delete, sender=OfferDetail, dispatch_uid="offer_app.package_deleted")
def refresh_offer_aggregates(sender, instance, raw=False, origin=None, **kwargs):
    # Nothing to keep in step when the offer itself is being deleted with its packages.
    if raw or _deleting_offers(origin):
        return
    Offer(pk=instance.offer_id).refresh_aggregates()
