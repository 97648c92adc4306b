"""The test runner: Django's, without an access line for every request the tests send.

Tests that check the access line turn it on for themselves with `assertLogs("coderr.access", "INFO")`.
"""

import logging

from django.test.runner import DiscoverRunner


class CoderrTestRunner(DiscoverRunner):
    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        logging.getLogger("coderr.access").setLevel(logging.WARNING)
