"""GET /api/profiles/business/"""

from core.testing import CoderrTestCase
from profile_app.tests.profile_list_cases import ProfileListCases


class BusinessProfileListTests(ProfileListCases, CoderrTestCase):
    url = "/api/profiles/business/"
    user_type = "business"
    other_type = "customer"
