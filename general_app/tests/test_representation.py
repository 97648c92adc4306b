"""The fast read paths (general_app.representation and each app's) answer exactly what their serializers do."""

from django.test import RequestFactory
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from general_app.testing import CoderrTestCase, image_upload, make_offer
from offer_app.api.representations import offer_representations, offers_for_display
from offer_app.api.serializers import OfferDetailSerializer, OfferSerializer
from offer_app.models import Offer, OfferDetail


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

    def test_packages_read_with_values_match_the_package_serializer(self):
        for package in OfferDetail.objects.all():
            with self.subTest(package=package.offer_type):
                row = OfferDetail.objects.values(*OfferDetailSerializer.Meta.fields).get(pk=package.pk)
                self.assertEqual(as_json(row), as_json(OfferDetailSerializer(package).data))
