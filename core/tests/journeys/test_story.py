"""The whole story, page by page: a business user and a customer register, publish, browse, order, complete,
review, edit their profiles, and the offer is edited and deleted. Other users' data only as far as the
offer list needs it (a second business user with six offers, so there is a page 2).
"""

from datetime import datetime
from decimal import Decimal

from core.testing import TEST_PASSWORD, image_upload, make_offer
from core.tests.journeys.pages import JourneyTestCase, offer_form
from reviews_app.api.serializers import ALREADY_REVIEWED

# Noah's offers: title, description, and the cheapest price and fastest delivery of the three packages.
NOAH_OFFERS = [
    ("Logo design", "Three logo drafts and the final vector files.", "49.00", 1),
    ("Website maintenance", "Monthly updates and backups for your site.", "89.00", 3),
    ("Mobile app prototype", "A clickable prototype for iOS and Android.", "990.00", 14),
    ("SEO audit", "A report on what keeps your pages from ranking.", "199.00", 5),
    ("Copywriting", "Texts for landing pages and newsletters.", "120.00", 7),
    ("Data dashboard", "Charts from your spreadsheets, updated daily.", "450.00", 10),
]

WEBSITE_OFFER = offer_form("Website Design", "Modern, responsive websites for small businesses.")

OFFER_ORDERINGS = ["", "-updated_at", "updated_at", "min_price", "-min_price"]


def tiered(cheapest, fastest):
    """Packages whose minima are the basic package's price and delivery time."""
    price = Decimal(cheapest)
    return {
        "basic": {"price": price, "delivery_time_in_days": fastest},
        "standard": {"price": price * 2, "delivery_time_in_days": fastest + 1},
        "premium": {"price": price * 3, "delivery_time_in_days": fastest + 2},
    }


def sorted_as_requested(offers, ordering):
    """The offers sorted as `ordering` asks (empty: newest edit first), ties by id in the same direction."""
    field = ordering.lstrip("-") or "updated_at"
    parse = datetime.fromisoformat if field == "updated_at" else Decimal
    return sorted(offers, key=lambda offer: (parse(offer[field]), offer["id"]), reverse=ordering in ("", f"-{field}"))


class MarketplaceStoryTests(JourneyTestCase):
    """A business user and a customer, from registration to a deleted offer."""

    def setUp(self):
        super().setUp()
        self.noah = self.make_user("business", username="noah", first_name="Noah", last_name="Klein")
        for title, description, cheapest, fastest in NOAH_OFFERS:
            make_offer(self.noah, title=title, description=description, packages=tiered(cheapest, fastest))

    def test_business_and_customer_trade_from_registration_to_deleted_offer(self):
        visitor = self.frontend()
        self.assertEqual(
            visitor.landing(),
            {"review_count": 0, "average_rating": 0, "business_profile_count": 1, "offer_count": 6},
        )
        mia = self.frontend()
        mia.register("mia", "mia@example.com", TEST_PASSWORD, "business")
        leo = self.frontend()
        leo.register("leo", "leo@example.com", TEST_PASSWORD, "customer")

        offer_id = self.business_publishes_an_offer_with_an_image(mia)
        self.visitor_browses_the_offer_list(visitor, offer_id)
        order = self.customer_orders_the_standard_package(leo, mia, offer_id)
        self.business_completes_the_order(mia, leo, order)
        self.customer_reviews_edits_and_deletes_the_review(leo, mia, visitor)
        self.both_edit_their_profiles_with_a_picture(mia, leo, visitor)
        self.business_edits_and_deletes_the_offer(mia, leo, visitor, offer_id, order)

    # --- the steps -------------------------------------------------------------------------------------

    def business_publishes_an_offer_with_an_image(self, mia):
        empty = mia.own_business_profile()
        self.assertEqual((empty.reviews, empty.orders, empty.offers["count"]), ([], [], 0))

        created = mia.create_offer(WEBSITE_OFFER)
        self.assertEqual([package["offer_type"] for package in created["details"]], ["basic", "standard", "premium"])
        self.assertEqual([package["revisions"] for package in created["details"]], [2, 5, -1])
        self.assertEqual(
            [package["price"] for package in created["details"]],
            [Decimal("299.99"), Decimal("599.50"), Decimal("1000.00")],
        )
        uploaded = mia.upload_offer_image(created["id"], image_upload())
        self.assertEqual(uploaded["details"], created["details"])
        mia.view_image(uploaded["image"])

        page = mia.own_business_profile()
        [offer] = page.offers["results"]
        self.assertEqual((offer["id"], offer["image"]), (created["id"], uploaded["image"]))
        self.assertEqual((offer["min_price"], offer["min_delivery_time"]), (Decimal("299.99"), 7))
        self.assertEqual(list(page.packages.values()), created["details"])
        return created["id"]

    def visitor_browses_the_offer_list(self, visitor, mia_offer_id):
        everything = visitor.offer_list()
        self.assertEqual((everything["count"], len(everything["results"]), everything["previous"]), (7, 6, None))
        self.assertEqual(everything["results"][0]["id"], mia_offer_id, "the newest edit comes first")
        second = visitor.offer_list(page=2)
        self.assertEqual((len(second["results"]), second["next"]), (1, None))

        found = visitor.offer_list(search="website")
        self.assertEqual(
            sorted(offer["title"] for offer in found["results"]), ["Website Design", "Website maintenance"]
        )
        for days, expected in ((1, 1), (3, 2), (7, 5)):
            fast = visitor.offer_list(max_delivery_time=days)
            self.assertEqual(fast["count"], expected, days)
            self.assertTrue(all(offer["min_delivery_time"] <= days for offer in fast["results"]))

        for ordering in OFFER_ORDERINGS:
            with self.subTest(ordering=ordering):
                offers = (
                    visitor.offer_list(ordering=ordering)["results"]
                    + visitor.offer_list(ordering=ordering, page=2)["results"]
                )
                self.assertEqual(len({offer["id"] for offer in offers}), 7)
                self.assertEqual(offers, sorted_as_requested(offers, ordering))

    def customer_orders_the_standard_package(self, leo, mia, offer_id):
        page = leo.offer_page(offer_id)
        self.assertEqual((page.owner["username"], page.order_count, page.reviews), ("mia", 0, []))
        self.assertEqual([package["revisions"] for package in page.packages], [2, 5, -1])
        self.assertIn(leo.user_id, [profile["user"] for profile in page.customer_profiles])
        standard = page.packages[1]

        order = leo.order(standard["id"])
        snapshot = {name: standard[name] for name in ("title", "revisions", "delivery_time_in_days", "features")}
        self.assertEqual({name: order[name] for name in snapshot}, snapshot)
        self.assertEqual(
            (order["business_user"], order["price"], order["offer_type"]), (mia.user_id, Decimal("599.50"), "standard")
        )
        self.assertEqual(leo.offer_page(offer_id).order_count, 1)
        self.assertEqual(leo.public_business_profile(mia.user_id).completed_order_count, 0)
        return order

    def business_completes_the_order(self, mia, leo, order):
        self.assertEqual(mia.own_business_profile().orders, [order])
        completed = mia.set_order_status(order["id"], "completed")
        self.assertEqual(completed | {"status": "in_progress", "updated_at": order["updated_at"]}, order)

        self.assertEqual(leo.own_customer_profile().orders, [completed])
        public = leo.public_business_profile(mia.user_id)
        self.assertEqual(public.completed_order_count, 1)
        self.assertEqual(public.offers["count"], 1)
        self.assertEqual(leo.offer_page(public.offers["results"][0]["id"]).order_count, 0)

    def customer_reviews_edits_and_deletes_the_review(self, leo, mia, visitor):
        review = leo.review(mia.user_id, 5, "Great work, delivered early.")
        duplicate = leo.post(
            "/api/reviews/",
            {"rating": 4, "description": "Again.", "business_user": mia.user_id},
            {"non_field_errors": [ALREADY_REVIEWED]},
            status=400,
        )
        self.assertEqual(duplicate, {"non_field_errors": [ALREADY_REVIEWED]})
        self.assertEqual(leo.public_business_profile(mia.user_id).reviews, [review])
        self.assertEqual(mia.public_customer_profile(leo.user_id).reviews, [review])
        self.assertEqual(visitor.landing(), self.statistics(review_count=1, average_rating=5))

        self.assertEqual(leo.own_customer_profile().reviews, [review])
        edited = leo.edit_review(review["id"], 4, "Great work, delivered early. Small fixes took a while.")
        self.assertEqual(leo.own_customer_profile().reviews, [edited])
        self.assertEqual(mia.own_business_profile().reviews, [edited])
        self.assertEqual(visitor.landing(), self.statistics(review_count=1, average_rating=4))

        leo.delete_review(review["id"])
        self.assertEqual(leo.own_customer_profile().reviews, [])
        self.assertEqual(visitor.landing(), self.statistics(review_count=0, average_rating=0))

    def both_edit_their_profiles_with_a_picture(self, mia, leo, visitor):
        mia_profile = mia.edit_profile(
            {
                "first_name": "Mia",
                "last_name": "Wagner",
                "location": "Hamburg",
                "tel": "040 123456",
                "description": "Web design for small businesses.",
                "working_hours": "Mon-Thu 8-16",
                "email": "mia@wagner.example",
            },
            picture=image_upload("me.jpg", fmt="JPEG", content_type="image/jpeg"),
        )
        mia.view_image(mia_profile["file"])
        # Saving the form again without choosing a picture keeps the picture.
        self.assertEqual(mia.edit_profile({"working_hours": "Mon-Fri 8-16"})["file"], mia_profile["file"])
        mia_profile["working_hours"] = "Mon-Fri 8-16"
        leo_profile = leo.edit_profile(
            {
                "first_name": "Leo",
                "last_name": "",
                "location": "Köln",
                "tel": "",
                "description": "",
                "working_hours": "",
            },
            picture=image_upload(),
        )
        leo.view_image(leo_profile["file"])
        self.assertNotEqual(mia_profile["file"], leo_profile["file"])

        [mia_offer] = visitor.offer_list(search="Website Design")["results"]
        self.assertEqual(mia_offer["user_details"], {"first_name": "Mia", "last_name": "Wagner", "username": "mia"})
        listed = {profile["user"]: profile for profile in leo.profile_lists()[0]}
        self.assertEqual(listed[mia.user_id], {key: value for key, value in mia_profile.items() if key != "email"})

    def business_edits_and_deletes_the_offer(self, mia, leo, visitor, offer_id, order):
        page = mia.own_business_profile()
        [offer] = page.offers["results"]
        # The edit dialog sends back the packages as it fetched them, read-only `id` included.
        packages = [dict(page.packages[link["id"]]) for link in offer["details"]]
        packages[0] |= {"price": 349.0, "features": ["Responsive Design", "Contact form"]}
        packages[2] |= {"revisions": 10}
        edited = mia.edit_offer(
            offer_id, {"title": "Website Design & Care", "description": offer["description"], "details": packages}
        )
        self.assertEqual([package["id"] for package in edited["details"]], [link["id"] for link in offer["details"]])
        self.assertEqual(edited["details"], mia.offer_page(offer_id).packages)
        self.assertEqual((edited["details"][0]["price"], edited["details"][2]["revisions"]), (Decimal("349.00"), 10))
        self.assertEqual(visitor.offer_list(ordering="-updated_at")["results"][0]["min_price"], Decimal("349.00"))
        self.assertEqual(
            leo.own_customer_profile().orders[0]["price"], Decimal("599.50"), "the order keeps its snapshot"
        )

        mia.delete_offer(offer_id)
        self.assertEqual(mia.own_business_profile().offers["count"], 0)
        [kept] = leo.own_customer_profile().orders
        self.assertEqual(kept, order | {"offer_detail": None, "status": "completed", "updated_at": kept["updated_at"]})
        self.assertEqual(visitor.offer_list()["count"], 6)
        self.assertEqual(visitor.landing()["offer_count"], 6)

    def statistics(self, *, review_count, average_rating):
        return {
            "review_count": review_count,
            "average_rating": average_rating,
            "business_profile_count": 2,
            "offer_count": 7,
        }
