"""Replaces the statistics' data version (StatisticsVersion) with every write that changes a statistic.

Offers, reviews and users are saved and deleted one by one everywhere, also when a deleted user takes their
offers and reviews along, so these receivers see every such write. Bulk inserts send no signals: the same
transaction must replace the version, as the benchmark's dataset does by calling StatisticsVersion.changed(),
and seed_demo by saving its users one by one before it inserts their offers and reviews.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from general_app.models import StatisticsVersion
from offer_app.models import Offer
from reviews_app.models import Review

User = get_user_model()


@receiver(post_save, sender=Offer, dispatch_uid="general_app.offer_saved")
def offer_saved(sender, instance, created, **kwargs):
    # An edited offer is still one offer.
    if created:
        StatisticsVersion.changed()


@receiver(post_save, sender=Review, dispatch_uid="general_app.review_saved")
def review_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or update_fields is None or "rating" in update_fields:
        StatisticsVersion.changed()


@receiver(post_save, sender=User, dispatch_uid="general_app.user_saved")
def user_saved(sender, instance, created, update_fields=None, **kwargs):
    # Logins save last_login alone; only a new user or a changed type changes the count of business users.
    if created or update_fields is None or "type" in update_fields:
        StatisticsVersion.changed()


@receiver(post_delete, sender=Offer, dispatch_uid="general_app.offer_deleted")
@receiver(post_delete, sender=Review, dispatch_uid="general_app.review_deleted")
@receiver(post_delete, sender=User, dispatch_uid="general_app.user_deleted")
def counted_row_deleted(sender, instance, **kwargs):
    StatisticsVersion.changed()
