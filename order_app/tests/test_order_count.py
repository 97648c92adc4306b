"""GET /api/order-count/{business_user_id}/"""

from core.testing import CoderrTestCase
from order_app.tests.count_cases import IN_PROGRESS, OrderCountCases


class OrderCountTests(OrderCountCases, CoderrTestCase):
    path = "/api/order-count/{}/"
    key = "order_count"
    counted_status = IN_PROGRESS
    expected = 4
