"""The guest buttons of the login page (kevin / asdasd24, andrey / asdasd) on the demo data, and the pages the
guests see first: their own profiles, the landing page, the offer list, an offer and the public profiles.
"""

from datetime import datetime
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Avg

from auth_app.models import User
from core.tests.journeys.pages import ERROR, JourneyTestCase, offer_list_query
from offer_app.models import Offer
from order_app.models import Order
from reviews_app.models import Review

REVIEW_ORDERINGS = ["-updated_at", "updated_at", "-rating", "rating"]


def sorted_reviews(reviews, ordering):
    """Reviews as `ordering` asks; equal values newest id first, whatever the direction."""
    field = ordering.lstrip("-")
    parse = datetime.fromisoformat if field == "updated_at" else int
    newest_first = sorted(reviews, key=lambda review: review["id"], reverse=True)
    # Python's sort is stable, also in reverse: equal values keep the newest-first order.
    return sorted(newest_first, key=lambda review: parse(review[field]), reverse=ordering.startswith("-"))


class GuestAccountTests(JourneyTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        cls.kevin = User.objects.get(username="kevin")
        cls.andrey = User.objects.get(username="andrey")

    def test_kevin_logs_in_with_the_guest_button_and_sees_his_business_profile(self):
        kevin = self.frontend()
        answer = kevin.log_in("kevin", "asdasd24")
        self.assertEqual((answer["user_id"], answer["type"]), (self.kevin.pk, "business"))

        page = kevin.own_business_profile()
        self.assertEqual((page.profile["first_name"], page.profile["last_name"]), ("Kevin", "Kramer"))
        self.assertEqual(page.offers["count"], Offer.objects.filter(user=self.kevin).count())
        self.assertEqual(len(page.packages), 3 * page.offers["count"])
        self.assertEqual(len(page.orders), Order.objects.filter(business_user=self.kevin).count())
        self.assertEqual(len(page.reviews), Review.objects.filter(business_user=self.kevin).count())
        self.assertEqual(page.reviews, sorted_reviews(page.reviews, "-updated_at"))

    def test_andrey_logs_in_with_the_guest_button_and_sees_his_customer_profile(self):
        andrey = self.frontend()
        answer = andrey.log_in("andrey", "asdasd")
        self.assertEqual((answer["user_id"], answer["type"]), (self.andrey.pk, "customer"))

        page = andrey.own_customer_profile()
        self.assertEqual(len(page.orders), Order.objects.filter(customer_user=self.andrey).count())
        self.assertEqual(len(page.reviews), Review.objects.filter(reviewer=self.andrey).count())
        self.assertEqual({order["status"] for order in page.orders}, {"in_progress", "completed", "cancelled"})

    def test_a_guest_logging_out_leaves_the_other_guests_of_the_same_account_signed_in(self):
        leaving, staying = self.frontend(), self.frontend()
        leaving.log_in("kevin", "asdasd24")
        staying.log_in("kevin", "asdasd24")
        self.assertNotEqual(leaving.token, staying.token)

        leaving.post("/api/logout/", None, None, status=204)

        leaving.get(f"/api/profile/{self.kevin.pk}/", ERROR, status=401)
        page = staying.own_business_profile()
        self.assertEqual((page.profile["first_name"], page.profile["last_name"]), ("Kevin", "Kramer"))

    def test_landing_page_shows_the_demo_statistics_to_guests_and_visitors(self):
        expected = {
            "review_count": Review.objects.count(),
            "average_rating": Decimal(str(round(Review.objects.aggregate(mean=Avg("rating"))["mean"], 1))),
            "business_profile_count": User.objects.filter(type="business").count(),
            "offer_count": Offer.objects.count(),
        }
        guest = self.frontend()
        self.assertEqual(guest.landing(), expected)
        guest.log_in("andrey", "asdasd")
        self.assertEqual(guest.landing(), expected)

    def test_guest_pages_through_the_offer_list_in_every_ordering_and_opens_an_offer(self):
        andrey = self.frontend()
        andrey.log_in("andrey", "asdasd")
        total = Offer.objects.count()
        last_page = -(-total // 6)
        for ordering in ["", "-updated_at", "updated_at", "min_price", "-min_price"]:
            with self.subTest(ordering=ordering):
                ids = []
                for page in range(1, last_page + 1):
                    ids += [offer["id"] for offer in andrey.offer_list(ordering=ordering, page=page)["results"]]
                self.assertEqual(sorted(ids), sorted(Offer.objects.values_list("id", flat=True)))
        andrey.get(offer_list_query(page=last_page + 1), ERROR, status=404)
        for days in (1, 3, 7):
            fast = andrey.offer_list(max_delivery_time=days)
            self.assertEqual(fast["count"], Offer.objects.filter(min_delivery_time__lte=days).count())

        newest = andrey.offer_list()["results"][0]
        page = andrey.offer_page(newest["id"])
        self.assertEqual(page.offer, newest)
        self.assertEqual(
            page.order_count, Order.objects.filter(business_user=newest["user"], status="in_progress").count()
        )

    def test_guest_customer_reads_kevins_public_profile_in_every_review_ordering(self):
        andrey = self.frontend()
        andrey.log_in("andrey", "asdasd")
        for ordering in REVIEW_ORDERINGS:
            with self.subTest(ordering=ordering):
                page = andrey.public_business_profile(self.kevin.pk, review_ordering=ordering)
                self.assertEqual(len(page.reviews), 2)
                self.assertEqual(page.reviews, sorted_reviews(page.reviews, ordering))
                self.assertEqual(page.offers["count"], 2)
                self.assertEqual(page.completed_order_count, 1)

    def test_guest_business_reads_andreys_public_profile_in_every_review_ordering(self):
        kevin = self.frontend()
        kevin.log_in("kevin", "asdasd24")
        for ordering in REVIEW_ORDERINGS:
            with self.subTest(ordering=ordering):
                page = kevin.public_customer_profile(self.andrey.pk, review_ordering=ordering)
                self.assertEqual(len(page.reviews), 4)
                self.assertEqual(page.reviews, sorted_reviews(page.reviews, ordering))
