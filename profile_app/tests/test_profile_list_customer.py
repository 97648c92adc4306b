"""GET /api/profiles/customer/"""

from core.testing import CoderrTestCase
from profile_app.tests.profile_list_cases import ProfileListCases


class CustomerProfileListTests(ProfileListCases, CoderrTestCase):
    url = "/api/profiles/customer/"
    user_type = "customer"
    other_type = "business"
