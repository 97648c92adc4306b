"""Creates the profile in the same transaction as its user."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from profile_app.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="profile_app.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.create(user=instance)
