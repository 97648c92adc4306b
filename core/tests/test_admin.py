"""The Django admin: every registered model's pages, the forms that need care, and changelist query counts."""

import html
import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from auth_app.api.serializers import EMAIL_TAKEN, USERNAME_TAKEN
from auth_app.models import User
from auth_app.services import token_issue
from core.images import IMAGE_INVALID
from core.testing import (
    TEST_PASSWORD,
    CoderrTestCase,
    image_bytes,
    image_upload,
    make_offer,
    make_order,
    make_review,
    package_of,
)
from offer_app.models import Offer, OfferDetail
from order_app.models import Order
from profile_app.models import Profile
from reviews_app.models import Review

# Orders are placed through the API, which snapshots the package; the admin only edits their status.
# API tokens only by registration and login; axes' records only by login attempts.
MODELS_WITHOUT_ADD = {Order, AuthToken, AccessAttempt, AccessLog, AccessFailureLog}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class AdminTestCase(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.browser = Client()
        self.browser.force_login(User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD))

    def assertPageShows(self, response, text):
        """The page (a form redisplayed with errors) contains `text`; on failure, show its error lists only."""
        self.assertStatus(response, 200)
        page = html.unescape(response.content.decode())
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, flags=re.DOTALL)
        # str(): message constants are lazy translations, which `in` does not take.
        self.assertIn(str(text), page, f"errors on the page: {errors}")

    def package_form_data(self, offer, packages, **changes):
        """The offer change form as the browser posts it, with its packages in the inline formset."""
        data = {
            "user": offer.user_id,
            "title": offer.title,
            "description": offer.description,
            "details-TOTAL_FORMS": str(len(packages)),
            "details-INITIAL_FORMS": str(sum(1 for package in packages if package.pk)),
            "details-MIN_NUM_FORMS": "3",
            "details-MAX_NUM_FORMS": "3",
        }
        for index, package in enumerate(packages):
            prefix = f"details-{index}-"
            data |= {
                f"{prefix}id": package.pk or "",
                f"{prefix}offer": offer.pk or "",
                f"{prefix}offer_type": package.offer_type,
                f"{prefix}title": package.title,
                f"{prefix}price": str(package.price),
                f"{prefix}delivery_time_in_days": str(package.delivery_time_in_days),
                f"{prefix}revisions": str(package.revisions),
                f"{prefix}features": "\n".join(package.features),
            }
        return data | changes


class AdminPagesTests(AdminTestCase):
    """Every registered model's changelist, search, add page and change page, on the demo data."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        token_issue(user=User.objects.get(username="kevin"))
        Group.objects.create(name="Support")
        attempt = {
            "username": "guesser",
            "ip_address": "10.0.0.1",
            "user_agent": "test",
            "attempt_time": timezone.now(),
        }
        AccessAttempt.objects.create(**attempt, failures_since_start=2, get_data="", post_data="username=root")
        AccessLog.objects.create(**attempt)
        AccessFailureLog.objects.create(**attempt, locked_out=False)

    def test_every_model_of_the_api_is_registered(self):
        self.assertLessEqual({User, Profile, Offer, OfferDetail, Order, Review, AuthToken}, set(admin.site._registry))

    def test_every_admin_page_answers_for_a_superuser(self):
        self.assertStatus(self.browser.get(reverse("admin:index")), 200)
        for model in admin.site._registry:
            with self.subTest(model=model._meta.label):
                self.assertStatus(self.browser.get(admin_url(model, "changelist")), 200)
                self.assertStatus(self.browser.get(admin_url(model, "changelist"), {"q": "x"}), 200)
                self.assertStatus(
                    self.browser.get(admin_url(model, "add")), 403 if model in MODELS_WITHOUT_ADD else 200
                )
                obj = model._default_manager.first()
                self.assertStatus(self.browser.get(admin_url(model, "change", obj.pk)), 200)

    def test_deleting_a_user_who_took_part_in_orders_is_refused_with_an_explanation(self):
        kevin = User.objects.get(username="kevin")
        response = self.browser.post(admin_url(User, "delete", kevin.pk), {"post": "yes"})
        self.assertPageShows(response, "would require deleting the following protected related objects")
        self.assertTrue(User.objects.filter(pk=kevin.pk).exists())

    def changelist(self, model, **params):
        response = self.browser.get(admin_url(model, "changelist"), params)
        self.assertStatus(response, 200)
        return response.context["cl"]

    def test_users_filter_by_type_and_search_by_username_or_email(self):
        self.assertEqual(self.changelist(User, type__exact="business").result_count, 7)
        self.assertEqual(self.changelist(User, type__exact="customer").result_count, 4)
        self.assertEqual([user.username for user in self.changelist(User, q="kevin@demo").result_list], ["kevin"])
        self.assertEqual([user.username for user in self.changelist(User, q="annab").result_list], ["annabecker"])

    def test_orders_filter_by_status_and_search_by_participant(self):
        completed = self.changelist(Order, status__exact="completed")
        self.assertEqual(completed.result_count, Order.objects.filter(status="completed").count())
        self.assertEqual({order.status for order in completed.result_list}, {"completed"})
        found = self.changelist(Order, q="jonaswagner").result_list
        self.assertEqual(
            {order.pk for order in found},
            set(Order.objects.filter(customer_user__username="jonaswagner").values_list("pk", flat=True)),
        )

    def test_reviews_filter_by_rating(self):
        self.assertEqual([review.rating for review in self.changelist(Review, rating__exact=1).result_list], [1])
        self.assertEqual(self.changelist(Review, rating__exact=5).result_count, Review.objects.filter(rating=5).count())

    def test_offers_and_packages_search_by_title_and_owner(self):
        self.assertEqual(self.changelist(Offer, q="sarahschmidt").result_count, 4)
        self.assertEqual(self.changelist(OfferDetail, q="Business card design").result_count, 3)


class OfferAdminTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        self.owner = self.make_user("business")
        self.offer = Offer.objects.create(user=self.owner, title="Logo", description="A logo.")
        for offer_type, price, days in [("basic", "50.00", 5), ("standard", "80.00", 4), ("premium", "120.00", 3)]:
            OfferDetail.objects.create(
                offer=self.offer,
                offer_type=offer_type,
                title=offer_type.title(),
                price=price,
                delivery_time_in_days=days,
                revisions=1,
                features=["Vector files"],
            )
        self.packages = list(self.offer.details.all())

    def test_the_change_form_saves_the_packages_and_updates_the_offers_minima(self):
        data = self.package_form_data(self.offer, self.packages, **{"details-0-price": "9.99", "title": "Logo design"})
        data["details-2-delivery_time_in_days"] = "1"
        data["details-1-features"] = "Vector files\nColour palette"
        response = self.browser.post(admin_url(Offer, "change", self.offer.pk), data)
        self.assertStatus(response, 302)
        self.offer.refresh_from_db()
        self.assertEqual(
            (self.offer.title, self.offer.min_price, self.offer.min_delivery_time), ("Logo design", Decimal("9.99"), 1)
        )
        self.assertEqual(
            list(self.offer.details.values_list("pk", "price", "features")),
            [
                (self.packages[0].pk, Decimal("9.99"), ["Vector files"]),
                (self.packages[1].pk, Decimal("80.00"), ["Vector files", "Colour palette"]),
                (self.packages[2].pk, Decimal("120.00"), ["Vector files"]),
            ],
        )

    def assertFormRejected(self, response, message):
        self.assertPageShows(response, message)
        self.offer.refresh_from_db()
        self.assertEqual(self.offer.min_price, Decimal("50.00"))
        self.assertEqual(
            list(self.offer.details.values_list("price", flat=True)),
            [Decimal("50.00"), Decimal("80.00"), Decimal("120.00")],
        )

    def test_a_package_type_cannot_appear_twice(self):
        data = self.package_form_data(
            self.offer, self.packages, **{"details-0-price": "1.00", "details-2-offer_type": "basic"}
        )
        response = self.browser.post(admin_url(Offer, "change", self.offer.pk), data)
        self.assertFormRejected(response, "Package with this Offer and Offer type already exists.")

    def test_features_are_edited_one_per_line_and_stored_as_a_list(self):
        cases = [
            ("Vector files\r\n\r\n  Colour palette  \r\n", ["Vector files", "Colour palette"]),
            ('["ok"]\n<3 for details', ['["ok"]', "<3 for details"]),
            ("", []),
        ]
        for text, stored in cases:
            with self.subTest(text=text):
                data = self.package_form_data(self.offer, self.packages, **{"details-0-features": text})
                self.assertStatus(self.browser.post(admin_url(Offer, "change", self.offer.pk), data), 302)
                self.assertEqual(self.offer.details.get(offer_type="basic").features, stored)

    def test_a_package_price_must_not_be_negative(self):
        data = self.package_form_data(self.offer, self.packages, **{"details-0-price": "-1.00"})
        response = self.browser.post(admin_url(Offer, "change", self.offer.pk), data)
        self.assertFormRejected(response, "Ensure this value is greater than or equal to 0.")

    def test_an_offer_is_added_with_its_three_packages(self):
        packages = [
            OfferDetail(
                **{
                    field: getattr(package, field)
                    for field in ("offer_type", "title", "price", "delivery_time_in_days", "revisions", "features")
                }
            )
            for package in self.packages
        ]
        data = self.package_form_data(Offer(user=self.owner, title="Icons", description="An icon set."), packages)
        response = self.browser.post(admin_url(Offer, "add"), data)
        self.assertStatus(response, 302)
        offer = Offer.objects.get(title="Icons")
        self.assertEqual((offer.user, offer.min_price, offer.min_delivery_time), (self.owner, Decimal("50.00"), 3))
        self.assertEqual(offer.details.count(), 3)

    def test_an_offer_needs_all_three_packages(self):
        data = self.package_form_data(Offer(user=self.owner, title="Icons", description="An icon set."), [])
        data["details-TOTAL_FORMS"] = "0"
        response = self.browser.post(admin_url(Offer, "add"), data)
        self.assertPageShows(response, "Please submit at least 3 forms.")
        self.assertFalse(Offer.objects.filter(title="Icons").exists())

    def test_only_business_users_can_own_an_offer(self):
        customer = self.make_user("customer")
        data = self.package_form_data(self.offer, self.packages, user=customer.pk)
        response = self.browser.post(admin_url(Offer, "change", self.offer.pk), data)
        self.assertPageShows(response, "Select a valid choice.")
        self.offer.refresh_from_db()
        self.assertEqual(self.offer.user, self.owner)

    def test_an_offer_is_deleted_with_its_packages(self):
        response = self.browser.post(admin_url(Offer, "delete", self.offer.pk), {"post": "yes"})
        self.assertStatus(response, 302)
        self.assertFalse(Offer.objects.exists())
        self.assertFalse(OfferDetail.objects.exists())

    def test_an_uploaded_offer_image_goes_through_the_image_pipeline(self):
        data = self.package_form_data(self.offer, self.packages)
        data["image"] = image_upload("../../evil name.png")
        response = self.browser.post(admin_url(Offer, "change", self.offer.pk), data)
        self.assertStatus(response, 302)
        self.offer.refresh_from_db()
        self.assertRegex(self.offer.image.name, r"^offer_images/[0-9a-f]{32}\.png$")


class UserAdminTests(AdminTestCase):
    def add_user(self, **fields):
        data = {"username": "lena", "email": "lena@example.com", "type": "business", "usable_password": "true"}
        data |= {"password1": TEST_PASSWORD, "password2": TEST_PASSWORD} | fields
        return self.browser.post(admin_url(User, "add"), data)

    def test_the_add_form_creates_a_typed_account_with_its_profile(self):
        response = self.add_user()
        self.assertStatus(response, 302)
        user = User.objects.get(username="lena")
        self.assertEqual((user.email, user.type, user.is_staff), ("lena@example.com", "business", False))
        self.assertTrue(user.check_password(TEST_PASSWORD))
        self.assertTrue(Profile.objects.filter(user=user).exists())

    def test_the_add_form_runs_the_password_validators(self):
        response = self.add_user(password1="asdasd", password2="asdasd")
        self.assertPageShows(response, "This password is too short.")
        self.assertFalse(User.objects.filter(username="lena").exists())

    def test_usernames_and_emails_stay_unique_regardless_of_case(self):
        self.make_user("customer", username="lena", email="other@example.com")
        self.make_user("customer", username="someone", email="taken@example.com")
        for fields, message in [({"username": "LENA"}, USERNAME_TAKEN), ({"email": "TAKEN@example.com"}, EMAIL_TAKEN)]:
            with self.subTest(fields=fields):
                self.assertPageShows(self.add_user(**fields), message)
        self.assertEqual(User.objects.count(), 3)

    def test_the_change_form_keeps_usernames_and_emails_unique_regardless_of_case(self):
        user = self.make_user("customer", username="lena", email="lena@example.com")
        self.make_user("customer", username="someone", email="taken@example.com")
        data = {"username": "lena", "email": "lena@example.com", "type": "customer", "is_active": "on"}
        for fields, message in [
            ({"username": "SomeOne"}, USERNAME_TAKEN),
            ({"email": "Taken@Example.com"}, EMAIL_TAKEN),
        ]:
            with self.subTest(fields=fields):
                self.assertPageShows(self.browser.post(admin_url(User, "change", user.pk), data | fields), message)
        response = self.browser.post(admin_url(User, "change", user.pk), data | {"email": "LENA@example.com"})
        self.assertStatus(response, 302)
        user.refresh_from_db()
        self.assertEqual((user.username, user.email), ("lena", "LENA@example.com"))

    def test_the_change_form_edits_the_type(self):
        user = self.make_user("customer")
        data = {
            "username": user.username,
            "email": user.email,
            "type": "business",
            "first_name": "Lena",
            "last_name": "",
            "is_active": "on",
        }
        response = self.browser.post(admin_url(User, "change", user.pk), data)
        self.assertStatus(response, 302)
        user.refresh_from_db()
        self.assertEqual((user.type, user.first_name), ("business", "Lena"))


class OtherAdminFormTests(AdminTestCase):
    def test_the_profile_form_edits_fields_and_sends_uploads_through_the_image_pipeline(self):
        user = self.make_user("business")
        data = {"location": "Berlin", "tel": "0301234", "description": "", "working_hours": "9-17"}
        response = self.browser.post(admin_url(Profile, "change", user.pk), data | {"file": image_upload("me.png")})
        self.assertStatus(response, 302)
        profile = Profile.objects.get(user=user)
        self.assertEqual((profile.location, profile.tel, profile.working_hours), ("Berlin", "0301234", "9-17"))
        self.assertRegex(profile.file.name, r"^profile_images/[0-9a-f]{32}\.png$")

    def test_the_profile_form_refuses_images_the_api_would_refuse(self):
        # Django's own image field accepts any format Pillow reads, such as BMP; the API's pipeline does not.
        user = self.make_user("business")
        for upload in [image_upload("me.bmp", content=image_bytes("BMP")), image_upload(content=image_bytes()[:40])]:
            with self.subTest(upload=upload.name):
                response = self.browser.post(
                    admin_url(Profile, "change", user.pk), {"location": "Bonn", "file": upload}
                )
                self.assertPageShows(response, IMAGE_INVALID if upload.name == "me.bmp" else "Upload a valid image.")
                profile = Profile.objects.get(user=user)
                self.assertEqual((profile.file.name, profile.location), ("", ""))

    def test_an_order_change_only_edits_the_status(self):
        customer, business = self.make_user("customer"), self.make_user("business")
        order = Order.objects.create(
            customer_user=customer,
            business_user=business,
            title="Basic",
            revisions=1,
            delivery_time_in_days=3,
            price="10.00",
            offer_type="basic",
        )
        data = {"status": "completed", "price": "0.00", "title": "Free", "customer_user": business.pk}
        response = self.browser.post(admin_url(Order, "change", order.pk), data)
        self.assertStatus(response, 302)
        order.refresh_from_db()
        self.assertEqual(
            (order.status, order.price, order.title, order.customer_user),
            ("completed", Decimal("10.00"), "Basic", customer),
        )

    def test_a_review_is_added_only_by_a_customer_for_a_business_user(self):
        customer, business = self.make_user("customer"), self.make_user("business")
        url = admin_url(Review, "add")
        response = self.browser.post(url, {"business_user": customer.pk, "reviewer": business.pk, "rating": 4})
        self.assertStatus(response, 200)
        self.assertEqual(len(re.findall("Select a valid choice.", response.content.decode())), 2)
        response = self.browser.post(url, {"business_user": business.pk, "reviewer": customer.pk, "rating": 4})
        self.assertStatus(response, 302)
        self.assertEqual(
            list(Review.objects.values_list("reviewer", "business_user", "rating")), [(customer.pk, business.pk, 4)]
        )
        response = self.browser.post(url, {"business_user": business.pk, "reviewer": customer.pk, "rating": 2})
        self.assertStatus(response, 200)
        self.assertEqual(Review.objects.count(), 1)

    def test_a_users_page_links_to_their_tokens_which_are_listed_without_keys(self):
        user = self.make_user("customer")
        keys = [token_issue(user=user), token_issue(user=user)]
        AuthToken.objects.filter(digest=hash_token(keys[0])).update(expiry=timezone.now() - timedelta(seconds=1))
        token_issue(user=self.make_user("business"))

        page = self.browser.get(admin_url(User, "change", user.pk))
        tokens = self.browser.get(admin_url(AuthToken, "changelist"), {"user__id__exact": user.pk})

        link = f'<a href="{admin_url(AuthToken, "changelist")}?user__id__exact={user.pk}">'
        self.assertPageShows(page, f"{link}1 live, 1 expired: list or revoke</a>")
        self.assertStatus(tokens, 200)
        self.assertEqual(
            sorted(token.digest for token in tokens.context["cl"].result_list), sorted(map(hash_token, keys))
        )
        for response in (page, tokens):
            for key in keys:
                self.assertNotIn(key[:15], response.content.decode())


class AdminChangelistQueryTests(AdminTestCase):
    """A changelist costs the same number of queries for 1 row as for 20: related rows come in the same query."""

    def add_rows(self, count):
        for _ in range(count):
            customer, business = self.make_user("customer"), self.make_user("business")
            token_issue(user=business)
            make_order(customer, package_of(make_offer(business), "premium"))
            make_review(customer, business, rating=5)

    def changelist_queries(self):
        counts = {}
        for model in (Offer, OfferDetail, Order, Review, User, Profile, AuthToken):
            with CaptureQueriesContext(connection) as queries:
                response = self.browser.get(admin_url(model, "changelist"))
            self.assertStatus(response, 200)
            counts[model._meta.label] = len(queries)
        return counts

    def test_changelist_query_counts_do_not_grow_with_the_rows(self):
        self.add_rows(1)
        self.browser.get(reverse("admin:index"))
        one_row = self.changelist_queries()
        self.add_rows(19)
        twenty_rows = self.changelist_queries()
        self.assertEqual(twenty_rows, one_row)
        self.assertEqual(self.changelist_queries(), one_row)
