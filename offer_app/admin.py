"""Admin for offers, edited together with their three packages, and for single packages."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from auth_app.models import User
from core.images import clean_uploaded_image
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail

FEATURES_HELP = _("One feature per line. Empty lines are left out.")


class FeatureLinesField(forms.CharField):
    """A package's features (a JSON list of texts in the database) edited as lines of a textarea."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60})

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, help_text=FEATURES_HELP, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class OfferAdminForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ("user", "title", "description", "image")

    def clean_image(self):
        return clean_uploaded_image(self.cleaned_data["image"])


class OfferDetailAdminForm(forms.ModelForm):
    features = FeatureLinesField()

    class Meta:
        model = OfferDetail
        fields = ("offer", "offer_type", "title", "price", "delivery_time_in_days", "revisions", "features")


class OfferDetailInline(admin.StackedInline):
    """The offer's packages: exactly one of each type, which the unique constraint and the form count enforce.

    Stacked, with the three numbers on one line, so that the three packages fit the page's width.
    """

    model = OfferDetail
    form = OfferDetailAdminForm
    fields = ("offer_type", "title", ("price", "delivery_time_in_days", "revisions"), "features")
    min_num = max_num = len(PACKAGE_TYPES)
    extra = 0
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, validate_max=True, **kwargs)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    form = OfferAdminForm
    inlines = [OfferDetailInline]
    list_display = ("title", "user", "min_price", "min_delivery_time", "created_at", "updated_at")
    list_filter = ("created_at", "updated_at")
    list_select_related = ("user",)
    search_fields = ("title", "description", "user__username")
    autocomplete_fields = ("user",)
    fields = ("user", "title", "description", "image", "min_price", "min_delivery_time", "created_at", "updated_at")
    readonly_fields = ("min_price", "min_delivery_time", "created_at", "updated_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(type=User.Type.BUSINESS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OfferDetail)
class OfferDetailAdmin(admin.ModelAdmin):
    form = OfferDetailAdminForm
    list_display = ("title", "offer", "offer__user", "offer_type", "price", "delivery_time_in_days", "revisions")
    list_filter = ("offer_type",)
    list_select_related = ("offer__user",)
    search_fields = ("title", "offer__title", "offer__user__username")
    autocomplete_fields = ("offer",)

    def get_readonly_fields(self, request, obj=None):
        # Moving a package to another offer or changing its type would break the one-of-each-type rule.
        return ("offer", "offer_type") if obj else ()
