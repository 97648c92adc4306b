"""The fast read paths (core.api.representation and each app's) answer exactly what their serializers do."""

from django.http import QueryDict
from django.test import RequestFactory
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from core.api.representation import serialized_rows
from core.testing import CoderrTestCase, image_upload, make_offer
from offer_app.api.representations import (
    OFFER_BY_ID,
    PACKAGE_BY_ID,
    OfferListing,
    offer_representations,
    offers_for_display,
    prepared_filters,
)
from offer_app.api.serializers import OfferDetailSerializer, OfferSerializer
from offer_app.models import Offer, OfferDetail
from order_app.api.serializers import OrderSerializer
from order_app.models import Order
from order_app.services import order_create
from profile_app.api.representations import PROFILE_OF_USER, profile_rows, profile_values, profiles_of_type
from profile_app.api.serializers import ProfileListSerializer, ProfileSerializer
from profile_app.models import Profile
from reviews_app.api.serializers import ReviewSerializer
from reviews_app.models import Review


def as_json(data):
    return JSONRenderer().render(data)


class OfferRepresentationTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.request = Request(RequestFactory().get("/api/offers/"))
        owner = self.make_user("business", first_name="Max", last_name="Weber")
        make_offer(owner, title="Plain")
        with_image = make_offer(self.make_user("business"), title="Pictured")
        with_image.image.save("x.png", image_upload())

    def test_offers_match_the_offer_serializer(self):
        offers = Offer.objects.select_related("user").prefetch_related("details").order_by("-updated_at", "-id")
        expected = OfferSerializer(offers, many=True, context={"request": self.request}).data

        self.assertEqual(as_json(offer_representations(offers_for_display(), self.request)), as_json(expected))
        self.assertIn(b"http://testserver/media/", as_json(expected))

    def test_every_read_path_of_the_list_and_detail_matches_the_offer_serializer(self):
        offers = Offer.objects.select_related("user").prefetch_related("details").order_by("-updated_at", "-id")
        expected = [as_json(OfferSerializer(offer, context={"request": self.request}).data) for offer in offers]
        unfiltered = OfferListing(prepared_filters(QueryDict()))[0:6]  # prepared statements
        filtered = OfferListing(offers=Offer.objects.order_by("-updated_at", "-id"))[0:6]  # the filter set's path
        single = [OFFER_BY_ID.first(offer.pk) for offer in offers]

        for rows in (unfiltered, filtered, single):
            with self.subTest(rows=rows):
                self.assertEqual([as_json(o) for o in offer_representations(rows, self.request)], expected)

    def test_packages_read_with_values_match_the_package_serializer(self):
        for package in OfferDetail.objects.all():
            with self.subTest(package=package.offer_type):
                row = PACKAGE_BY_ID.first(package.pk)
                self.assertEqual(as_json(row), as_json(OfferDetailSerializer(package).data))


class FlatRepresentationTests(CoderrTestCase):
    """Orders, reviews and profiles read with values() match their serializers field for field."""

    def setUp(self):
        super().setUp()
        self.request = Request(RequestFactory().get("/api/"))
        self.customer = self.make_user("customer", first_name="Ann", last_name="Lee")
        self.business = self.make_user("business")
        Profile.objects.filter(user=self.business).update(location="Berlin", tel="0301234")
        self.business.profile.refresh_from_db()
        self.business.profile.file.save("p.png", image_upload())
        package = make_offer(self.business).details.get(offer_type="premium")
        order_create(customer=self.customer, offer_detail=package)
        Review.objects.create(business_user=self.business, reviewer=self.customer, rating=4, description="Good.")

    def test_orders_match_the_order_serializer(self):
        orders = Order.objects.all()
        self.assertEqual(
            as_json(serialized_rows(orders, OrderSerializer)), as_json(OrderSerializer(orders, many=True).data)
        )

    def test_reviews_match_the_review_serializer(self):
        reviews = Review.objects.all()
        self.assertEqual(
            as_json(serialized_rows(reviews, ReviewSerializer)), as_json(ReviewSerializer(reviews, many=True).data)
        )

    def test_profiles_match_the_profile_serializers(self):
        profiles = Profile.objects.select_related("user").order_by("user_id")
        context = {"request": self.request}
        for serializer_class in (ProfileSerializer, ProfileListSerializer):
            with self.subTest(serializer_class.__name__):
                expected = serializer_class(profiles, many=True, context=context).data
                rows = profile_rows(
                    profile_values(profiles, serializer_class.Meta.fields), self.request, serializer_class.Meta.fields
                )
                self.assertEqual(as_json(rows), as_json(expected))
        self.assertIn(b"http://testserver/media/profile_images/", as_json(rows))

    def test_the_prepared_profile_reads_match_the_profile_serializers(self):
        context = {"request": self.request}
        for user in (self.customer, self.business):
            with self.subTest(user=user.type):
                expected = ProfileListSerializer(
                    Profile.objects.filter(user__type=user.type), many=True, context=context
                )
                listed = profile_rows(
                    profiles_of_type(user.type).rows(), self.request, ProfileListSerializer.Meta.fields
                )
                self.assertEqual(as_json(listed), as_json(expected.data))
                one = profile_rows([PROFILE_OF_USER.first(user.pk)], self.request, ProfileSerializer.Meta.fields)
                self.assertEqual(as_json(one[0]), as_json(ProfileSerializer(user.profile, context=context).data))
