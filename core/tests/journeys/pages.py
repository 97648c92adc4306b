"""The frontend's pages (API_CONTRACT.md §7): each method sends a page's requests in order, with the exact
query strings, and reads the fields the page uses. Shapes can be narrowed to exact values with `|`:
`PROFILE | {"user": 7}`.
"""

import sys
from types import SimpleNamespace
from urllib.parse import quote

from core.testing import PACKAGES, CoderrTestCase
from core.tests.journeys.frontend import (
    AbsoluteUrl,
    Choice,
    Frontend,
    Integer,
    JourneyStats,
    ListOf,
    MediaUrl,
    Money,
    Nullable,
    Number,
    Revisions,
    Text,
    Timestamp,
)
from offer_app.models import PACKAGE_TYPES

USER_TYPE = Choice("customer", "business")
ORDER_STATUS = Choice("in_progress", "completed", "cancelled")

PROFILE = {
    "user": Integer(),
    "username": Text(),
    "first_name": Text(),
    "last_name": Text(),
    "file": Nullable(MediaUrl("profile_images")),
    "location": Text(),
    "tel": Text(),
    "description": Text(),
    "working_hours": Text(),
    "type": USER_TYPE,
    "email": Text(),
    "created_at": Timestamp(),
}
LISTED_PROFILE = {name: shape for name, shape in PROFILE.items() if name != "email"}
AUTH = {"token": Text(), "user_id": Integer(), "username": Text(), "email": Text(), "type": USER_TYPE}
BASE_INFO = {
    "review_count": Integer(minimum=0),
    "average_rating": Number(),
    "business_profile_count": Integer(minimum=0),
    "offer_count": Integer(minimum=0),
}
PACKAGE_LINK = {"id": Integer(), "url": AbsoluteUrl(r"/api/offerdetails/[0-9]+/")}
OFFER = {
    "id": Integer(),
    "user": Integer(),
    "title": Text(),
    "image": Nullable(MediaUrl("offer_images")),
    "description": Text(),
    "created_at": Timestamp(),
    "updated_at": Timestamp(),
    "details": ListOf(PACKAGE_LINK, length=3),
    "min_price": Money(),
    "min_delivery_time": Integer(minimum=1),
    "user_details": {"first_name": Text(), "last_name": Text(), "username": Text()},
}
OFFER_LIST = {
    "count": Integer(minimum=0),
    "next": Nullable(AbsoluteUrl(r"/api/offers/\?.*")),
    "previous": Nullable(AbsoluteUrl(r"/api/offers/(\?.*)?")),
    "results": ListOf(OFFER),
}
# A package's terms; an order keeps a snapshot of them.
PACKAGE_TERMS = {
    "title": Text(),
    "revisions": Revisions(),
    "delivery_time_in_days": Integer(minimum=1),
    "price": Money(),
    "features": ListOf(Text()),
    "offer_type": Choice(*PACKAGE_TYPES),
}
PACKAGE = {"id": Integer(), **PACKAGE_TERMS}
WRITTEN_OFFER = {
    "id": Integer(),
    "title": Text(),
    "image": Nullable(MediaUrl("offer_images")),
    "description": Text(),
    "details": ListOf(PACKAGE, length=3),
}
ORDER = {
    "id": Integer(),
    "customer_user": Integer(),
    "business_user": Integer(),
    "offer_detail": Nullable(Integer()),
    **PACKAGE_TERMS,
    "status": ORDER_STATUS,
    "created_at": Timestamp(),
    "updated_at": Timestamp(),
}
REVIEW = {
    "id": Integer(),
    "business_user": Integer(),
    "reviewer": Integer(),
    "rating": Integer(minimum=1, maximum=5),
    "description": Text(),
    "created_at": Timestamp(),
    "updated_at": Timestamp(),
}
ERROR = {"detail": Text()}


def offer_form(title, description):
    """The offer form as the frontend posts it: JSON numbers, no image yet (it follows in a second request)."""
    packages = [{**package, "price": float(package["price"])} for package in PACKAGES.values()]
    return {"title": title, "description": description, "image": None, "details": packages}


def offer_list_query(*, creator_id="", search="", ordering="", page=1, max_delivery_time=""):
    """The offer list's query string exactly as the frontend builds it: every key, empty ones as ``."""
    return (
        f"/api/offers/?creator_id={creator_id}&search={quote(search)}&ordering={ordering}&page={page}"
        f"&max_delivery_time={max_delivery_time}"
    )


class CoderrFrontend(Frontend):
    """The pages of the frontend, as request sequences."""

    # --- on every page ------------------------------------------------------------------------------

    def header(self, expected=None):
        """With a stored token, every page first loads the user's own profile."""
        if self.token is None:
            return None
        return self.get(f"/api/profile/{self.user_id}/", PROFILE | {"user": self.user_id} | (expected or {}))

    def profile_lists(self):
        """Both lists, which the pages use to show names and pictures for user ids."""
        business = self.get("/api/profiles/business/", ListOf(LISTED_PROFILE | {"type": "business"}))
        customers = self.get("/api/profiles/customer/", ListOf(LISTED_PROFILE | {"type": "customer"}))
        return business, customers

    def find_users(self, user_ids, business, customers):
        """The page looks every user id of its orders and reviews up in the lists; a miss breaks it."""
        listed = {profile["user"] for profile in business + customers}
        missing = sorted(set(user_ids) - listed)
        self.test.assertEqual(missing, [], "users referenced by orders or reviews but in neither profile list")
        self.stats.fields += len(user_ids)

    # --- landing, login, registration --------------------------------------------------------------

    def landing(self):
        self.header()
        return self.get("/api/base-info/", BASE_INFO)

    def log_in(self, username, password):
        answer = self.post("/api/login/", {"username": username, "password": password}, AUTH, status=200)
        self.remember(answer["token"], answer["user_id"])
        return answer

    def register(self, username, email, password, type):
        body = {"username": username, "email": email, "password": password, "repeated_password": password}
        answer = self.post("/api/registration/", body | {"type": type}, AUTH | {"username": username, "type": type})
        self.remember(answer["token"], answer["user_id"])
        # The frontend goes on to load the new user's profile straight away: empty strings, no picture.
        blank = dict.fromkeys(("first_name", "last_name", "location", "tel", "description", "working_hours"), "")
        self.header(blank | {"username": username, "email": email, "type": type, "file": None})
        return answer

    # --- offers ------------------------------------------------------------------------------------------

    def offer_list(self, **query):
        self.header()
        page = self.get(offer_list_query(**query), OFFER_LIST)
        for offer in page["results"]:
            self.check_package_links(offer)
        return page

    def check_package_links(self, offer):
        """Package links come in the order basic, standard, premium, each pointing at its own id."""
        links = offer["details"]
        self.test.assertEqual([link["url"].rsplit("/", 2)[-2] for link in links], [str(link["id"]) for link in links])

    def offer_page(self, offer_id):
        """The offer, its three packages, the owner's profile and order count, the profile lists, the reviews."""
        self.header()
        offer = self.get(f"/api/offers/{offer_id}/", OFFER | {"id": offer_id})
        self.check_package_links(offer)
        packages = [
            self.get(f"/api/offerdetails/{link['id']}/", PACKAGE | {"id": link["id"], "offer_type": offer_type})
            for link, offer_type in zip(offer["details"], PACKAGE_TYPES, strict=True)
        ]
        owner_id = offer["user"]
        owner = self.get(f"/api/profile/{owner_id}/", PROFILE | {"user": owner_id, "type": "business"})
        order_count = self.get(f"/api/order-count/{owner_id}/", {"order_count": Integer(minimum=0)})
        business, customers = self.profile_lists()
        reviews = self.get(
            f"/api/reviews/?business_user_id={owner_id}&ordering=-updated_at",
            ListOf(REVIEW | {"business_user": owner_id}),
        )
        self.find_users([review["reviewer"] for review in reviews], business, customers)
        return SimpleNamespace(
            offer=offer,
            packages=packages,
            owner=owner,
            order_count=order_count["order_count"],
            business_profiles=business,
            customer_profiles=customers,
            reviews=reviews,
        )

    def order(self, package_id):
        """The offer page's order button."""
        shape = ORDER | {"customer_user": self.user_id, "offer_detail": package_id, "status": "in_progress"}
        return self.post("/api/orders/", {"offer_detail_id": package_id}, shape)

    # --- own profile pages -------------------------------------------------------------------------

    def own_business_profile(self):
        me = self.user_id
        profile = self.header()
        reviews = self.get(
            f"/api/reviews/?business_user_id={me}&ordering=-updated_at", ListOf(REVIEW | {"business_user": me})
        )
        orders = self.get("/api/orders/", ListOf(ORDER | {"business_user": me}))
        business, customers = self.profile_lists()
        referenced = [review["reviewer"] for review in reviews] + [order["customer_user"] for order in orders]
        self.find_users(referenced, business, customers)
        offers = self.get(offer_list_query(creator_id=me), OFFER_LIST | {"results": ListOf(OFFER | {"user": me})})
        packages = {}
        for offer in offers["results"]:
            for link, offer_type in zip(offer["details"], PACKAGE_TYPES, strict=True):
                shape = PACKAGE | {"id": link["id"], "offer_type": offer_type}
                packages[link["id"]] = self.get(f"/api/offerdetails/{link['id']}/", shape)
        return SimpleNamespace(profile=profile, reviews=reviews, orders=orders, offers=offers, packages=packages)

    def own_customer_profile(self):
        me = self.user_id
        profile = self.header()
        reviews = self.get(f"/api/reviews/?reviewer_id={me}&ordering=-updated_at", ListOf(REVIEW | {"reviewer": me}))
        orders = self.get("/api/orders/", ListOf(ORDER | {"customer_user": me}))
        business, customers = self.profile_lists()
        referenced = [review["business_user"] for review in reviews] + [order["business_user"] for order in orders]
        self.find_users(referenced, business, customers)
        return SimpleNamespace(profile=profile, reviews=reviews, orders=orders)

    def edit_profile(self, fields, picture=None):
        """The edit form posts multipart (the picture is optional); the page then loads the profile again."""
        body = fields | ({"file": picture} if picture is not None else {})
        expected = PROFILE | {"user": self.user_id} | fields
        saved = self.patch(f"/api/profile/{self.user_id}/", body, expected, multipart=True)
        reloaded = self.get(f"/api/profile/{self.user_id}/", expected | {"file": saved["file"]})
        return reloaded

    def create_offer(self, offer):
        """The offer form posts JSON; the image follows in a second request (`upload_offer_image`)."""
        expected = WRITTEN_OFFER | {"title": offer["title"], "description": offer["description"], "image": None}
        return self.post("/api/offers/", offer, expected)

    def upload_offer_image(self, offer_id, image):
        shape = WRITTEN_OFFER | {"id": offer_id, "image": MediaUrl("offer_images")}
        return self.patch(f"/api/offers/{offer_id}/", {"image": image}, shape, multipart=True)

    def edit_offer(self, offer_id, changes):
        return self.patch(f"/api/offers/{offer_id}/", changes, WRITTEN_OFFER | {"id": offer_id})

    def delete_offer(self, offer_id):
        return self.delete(f"/api/offers/{offer_id}/")

    def set_order_status(self, order_id, status):
        shape = ORDER | {"id": order_id, "business_user": self.user_id, "status": status}
        return self.patch(f"/api/orders/{order_id}/", {"status": status}, shape)

    def edit_review(self, review_id, rating, description):
        shape = REVIEW | {"id": review_id, "reviewer": self.user_id, "rating": rating, "description": description}
        return self.patch(f"/api/reviews/{review_id}/", {"description": description, "rating": rating}, shape)

    def delete_review(self, review_id):
        return self.delete(f"/api/reviews/{review_id}/")

    # --- public profile pages ----------------------------------------------------------------------

    def public_business_profile(self, user_id, review_ordering="-updated_at", page=1):
        self.header()
        profile = self.get(f"/api/profile/{user_id}/", PROFILE | {"user": user_id, "type": "business"})
        business, customers = self.profile_lists()
        reviews = self.get(
            f"/api/reviews/?business_user_id={user_id}&ordering={review_ordering}",
            ListOf(REVIEW | {"business_user": user_id}),
        )
        self.find_users([review["reviewer"] for review in reviews], business, customers)
        offers = self.get(
            offer_list_query(creator_id=user_id, page=page), OFFER_LIST | {"results": ListOf(OFFER | {"user": user_id})}
        )
        completed = self.get(f"/api/completed-order-count/{user_id}/", {"completed_order_count": Integer(minimum=0)})
        return SimpleNamespace(
            profile=profile, reviews=reviews, offers=offers, completed_order_count=completed["completed_order_count"]
        )

    def public_customer_profile(self, user_id, review_ordering="-updated_at"):
        self.header()
        profile = self.get(f"/api/profile/{user_id}/", PROFILE | {"user": user_id, "type": "customer"})
        business, customers = self.profile_lists()
        reviews = self.get(
            f"/api/reviews/?reviewer_id={user_id}&ordering={review_ordering}", ListOf(REVIEW | {"reviewer": user_id})
        )
        self.find_users([review["business_user"] for review in reviews], business, customers)
        return SimpleNamespace(profile=profile, reviews=reviews)

    def review(self, business_user_id, rating, description):
        """The review form of the offer page and of the public business profile."""
        body = {"rating": rating, "description": description, "business_user": business_user_id}
        shape = REVIEW | {"business_user": business_user_id, "reviewer": self.user_id} | body
        return self.post("/api/reviews/", body, shape)


class JourneyTestCase(CoderrTestCase):
    """Counts what its journeys replay and prints the totals when the class is done."""

    suite = JourneyStats()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stats = JourneyStats()

    @classmethod
    def tearDownClass(cls):
        JourneyTestCase.suite.add(cls.stats)
        print(
            f"\n[journeys] {cls.__name__}: {cls.stats}.\n[journeys] all journey classes run so far in this "
            f"process: {JourneyTestCase.suite}.",
            file=sys.stderr,
        )
        super().tearDownClass()

    def frontend(self):
        """A fresh tab, not logged in."""
        return CoderrFrontend(self, self.stats)
