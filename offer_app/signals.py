"""Keeps an offer's stored minima in step with its packages when a single package is saved or deleted, and
the offers' data version (OfferListVersion) in step with every offer save and delete.

The API's services write packages in bulk (no signals) and refresh the minima themselves; these receivers
cover every other writer, such as the admin or the shell. Offers are saved and deleted one by one
everywhere, also when a deleted user takes their offers along, so their signals see every such write.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from offer_app.models import Offer, OfferDetail, OfferListVersion

# Saving only these leaves the offer list as it was: the list neither filters nor counts by them.
_UNLISTED_FIELDS = frozenset({"image", "updated_at"})


def _deleting_offers(origin):
    return isinstance(origin, Offer) or (isinstance(origin, QuerySet) and origin.model is Offer)


@receiver(post_save, sender=OfferDetail, dispatch_uid="offer_app.package_saved")
@receiver(post_delete, sender=OfferDetail, dispatch_uid="offer_app.package_deleted")
def package_changed(sender, instance, raw=False, origin=None, **kwargs):
    # Nothing to keep in step when the offer itself is being deleted with its packages.
    if raw or _deleting_offers(origin):
        return
    # A changed package changes the offer as the list shows it, so it also counts as an edit of the offer.
    Offer(pk=instance.offer_id).refresh_aggregates(touch=True)


@receiver(post_save, sender=Offer, dispatch_uid="offer_app.offer_saved")
def offer_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if update_fields is not None and not created and update_fields <= _UNLISTED_FIELDS:
        return
    OfferListVersion.changed()


@receiver(post_delete, sender=Offer, dispatch_uid="offer_app.offer_deleted")
def offer_deleted(sender, instance, **kwargs):
    OfferListVersion.changed()
