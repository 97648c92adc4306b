"""ReadShape derives the fast read paths from the read serializers: the same JSON, and no field left behind."""

from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from core.api.representation import ReadShape
from core.testing import CoderrTestCase, image_upload, make_offer
from offer_app.api.representations import OFFER_BY_ID, OFFER_SHAPE, PACKAGE_BY_ID, PACKAGE_SHAPE
from offer_app.api.serializers import OfferDetailSerializer, OfferSerializer
from offer_app.models import Offer, OfferDetail
from order_app.api.serializers import OrderSerializer
from order_app.api.views import ORDER_SHAPE
from order_app.models import Order
from order_app.services import order_create
from profile_app.api.representations import PROFILE_LIST_SHAPE, PROFILE_OF_USER, PROFILE_SHAPE, profiles_of_type
from profile_app.api.serializers import ProfileListSerializer, ProfileSerializer
from profile_app.models import Profile
from reviews_app.api.representations import REVIEW_SHAPE
from reviews_app.api.serializers import ReviewSerializer
from reviews_app.models import Review


def as_json(data):
    return JSONRenderer().render(data)


class ShapesMatchTheirSerializersTests(CoderrTestCase):
    """Every shape the API reads with answers byte for byte what its serializer answers."""

    def setUp(self):
        super().setUp()
        self.request = Request(RequestFactory().get("/api/"))
        self.customer = self.make_user("customer", first_name="Ann", last_name="Lee")
        self.business = self.make_user("business", first_name="Max", last_name="Weber")
        Profile.objects.filter(user=self.business).update(location="Berlin", tel="0301234")
        self.business.profile.refresh_from_db()
        self.business.profile.file.save("p.png", image_upload())
        make_offer(self.business, title="Plain")
        pictured = make_offer(self.make_user("business"), title="Pictured")
        pictured.image.save("x.png", image_upload())
        order_create(customer=self.customer, offer_detail=pictured.details.get(offer_type="premium"))
        Review.objects.create(business_user=self.business, reviewer=self.customer, rating=4, description="Good.")

    def assertShapeMatches(self, shape, serializer_class, queryset):
        expected = serializer_class(queryset, many=True, context={"request": self.request}).data
        self.assertEqual(as_json(shape.read(queryset, self.request)), as_json(expected))

    def test_every_shape_answers_what_its_serializer_answers(self):
        cases = [
            (OFFER_SHAPE, OfferSerializer, Offer.objects.order_by("-updated_at", "-id")),
            (PACKAGE_SHAPE, OfferDetailSerializer, OfferDetail.objects.order_by("id")),
            (ORDER_SHAPE, OrderSerializer, Order.objects.order_by("id")),
            (REVIEW_SHAPE, ReviewSerializer, Review.objects.order_by("id")),
            (PROFILE_SHAPE, ProfileSerializer, Profile.objects.order_by("user_id")),
            (PROFILE_LIST_SHAPE, ProfileListSerializer, Profile.objects.order_by("user_id")),
        ]
        for shape, serializer_class, queryset in cases:
            with self.subTest(serializer_class.__name__):
                self.assertShapeMatches(shape, serializer_class, queryset)
        # The file fields were really exercised: absolute URLs of stored images.
        self.assertIn(
            b'"image":"http://testserver/media/', as_json(OFFER_SHAPE.read(Offer.objects.all(), self.request))
        )
        self.assertIn(
            b'"file":"http://testserver/media/', as_json(PROFILE_SHAPE.read(Profile.objects.all(), self.request))
        )

    def test_the_prepared_single_reads_answer_what_the_serializers_answer(self):
        context = {"request": self.request}
        for offer in Offer.objects.all():
            with self.subTest(offer=offer.title):
                row = OFFER_SHAPE.represent([OFFER_BY_ID.first(offer.pk)], self.request)[0]
                self.assertEqual(as_json(row), as_json(OfferSerializer(offer, context=context).data))
        for package in OfferDetail.objects.all():
            with self.subTest(package=package.pk):
                self.assertEqual(as_json(PACKAGE_BY_ID.first(package.pk)), as_json(OfferDetailSerializer(package).data))
        for user in (self.customer, self.business):
            with self.subTest(user=user.type):
                one = PROFILE_SHAPE.represent([PROFILE_OF_USER.first(user.pk)], self.request)[0]
                self.assertEqual(as_json(one), as_json(ProfileSerializer(user.profile, context=context).data))
                listed = PROFILE_LIST_SHAPE.represent(profiles_of_type(user.type).rows(), self.request)
                expected = ProfileListSerializer(
                    Profile.objects.filter(user__type=user.type), many=True, context=context
                )
                self.assertEqual(as_json(listed), as_json(expected.data))


class ReadShapeDerivationTests(SimpleTestCase):
    """What ReadShape reads follows the serializer's declaration."""

    def test_a_field_added_to_a_serializer_is_read_without_further_edits(self):
        class WithOfferId(OfferDetailSerializer):
            class Meta(OfferDetailSerializer.Meta):
                fields = [*OfferDetailSerializer.Meta.fields, "offer"]

        self.assertEqual(ReadShape(WithOfferId).columns, (*PACKAGE_SHAPE.columns, "offer"))

    def test_sources_nested_serializers_and_files_become_columns(self):
        self.assertEqual(
            OFFER_SHAPE.columns,
            (
                "id",
                "user",
                "title",
                "image",
                "description",
                "created_at",
                "updated_at",
                "min_price",
                "min_delivery_time",
                "user__first_name",
                "user__last_name",
                "user__username",
            ),
        )
        self.assertEqual(PROFILE_LIST_SHAPE.columns[:3], ("user_id", "user__username", "user__first_name"))

    def test_a_field_the_rows_cannot_answer_needs_a_hook(self):
        class Computed(serializers.ModelSerializer):
            shout = serializers.SerializerMethodField()

            class Meta:
                model = OfferDetail
                fields = ["id", "shout"]

        class Related(serializers.ModelSerializer):
            details = OfferDetailSerializer(many=True)

            class Meta:
                model = Offer
                fields = ["id", "details"]

        for serializer_class in (Computed, Related):
            with self.subTest(serializer_class.__name__), self.assertRaisesMessage(ImproperlyConfigured, "hook"):
                ReadShape(serializer_class)
        with self.assertRaisesMessage(ImproperlyConfigured, "no fields ['nothing']"):
            ReadShape(OfferDetailSerializer, hooks={"nothing": lambda rows, request: []})

    def test_a_hook_answers_its_field_in_the_rows_order(self):
        class Linked(serializers.ModelSerializer):
            details = OfferDetailSerializer(many=True)

            class Meta:
                model = Offer
                fields = ["id", "details"]

        shape = ReadShape(Linked, hooks={"details": lambda rows, request: [row["id"] * 10 for row in rows]})
        self.assertEqual(shape.columns, ("id",))
        self.assertEqual(shape.represent([{"id": 2}, {"id": 1}]), [{"id": 2, "details": 20}, {"id": 1, "details": 10}])
