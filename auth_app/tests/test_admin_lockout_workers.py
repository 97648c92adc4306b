"""The admin login lockout holds across gunicorn workers: the failures are counted in the database.

gunicorn runs with two workers and no Redis (REDIS_URL empty, so nothing is shared through a cache), on a
throwaway database of the engine the suite runs on: a SQLite file, or a PostgreSQL database of its own. The
failed logins are sent one at a time, each pair answered by the two different workers
(GunicornServer.request_pair); the access log names the worker that answered each request, which proves both
took part in counting up to the limit and both refuse afterwards.
"""

import re
from urllib.parse import urlencode

from django.db import connection

from core.tests.servers import (
    POSTGRES_PORT,
    ServerTestCase,
    create_postgres_database,
    drop_postgres_database,
    manage,
    server_env,
)

WORKERS = 2
LIMIT = 4
LOGIN = "/admin/login/"
PASSWORD = "Admin-pass-0123"
LOCKED = b"Account locked: too many login attempts. Please try again later."
WRONG_PASSWORD = b"Please enter the correct username and password"


class AdminLockoutAcrossWorkersTests(ServerTestCase):
    tmp_prefix = "coderr-lockout-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if connection.vendor == "postgresql":
            name = create_postgres_database("coderr_lockout")
            cls.addClassCleanup(drop_postgres_database, name)
            cls.database_url = f"postgres://postgres@127.0.0.1:{POSTGRES_PORT}/{name}"
        # DEBUG is off, as in production: the admin's pages (the lockout page too) need collected static files.
        cls.static_root = f"{cls.tmp_dir}/static"
        env = server_env(cls.database_url, STATIC_ROOT=cls.static_root, DJANGO_SUPERUSER_PASSWORD=PASSWORD)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "createsuperuser", "--noinput", "--username=root", "--email=root@example.com")

    def setUp(self):
        super().setUp()
        env = server_env(
            self.database_url,
            STATIC_ROOT=self.static_root,
            REDIS_URL="",
            ADMIN_LOGIN_LOCKOUT="True",
            ADMIN_LOGIN_FAILURE_LIMIT=str(LIMIT),
            ADMIN_LOGIN_COOLOFF_MINUTES="15",
            ADMIN_LOGIN_LOCKOUT_BY="ip_address,username",
        )
        self.server = self.start_gunicorn(env, workers=WORKERS)

    def login_form(self):
        """The login page's CSRF cookie and form token, as a browser gets them."""
        page = self.server.request("GET", LOGIN)
        self.assertEqual(page.status, 200, page.body)
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
        return cookie, token

    def login_pair(self, password):
        """Two admin logins as root, answered by two different workers."""
        cookie, token = self.login_form()
        body = urlencode({"csrfmiddlewaretoken": token, "username": "root", "password": password, "next": "/admin/"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
        return self.server.request_pair("POST", LOGIN, body.encode(), headers)

    def test_the_lockout_engages_after_the_limit_whichever_worker_counted_the_failures_and_spares_the_api(self):
        first_pair = self.login_pair("wrong")
        # request_pair has the second request answered before it completes the first: failures 3 and 4.
        second_pair = self.login_pair("wrong")
        right_password = self.login_pair(PASSWORD)

        self.assertEqual([reply.status for reply in first_pair], [200, 200])
        self.assertEqual([reply.status for reply in second_pair], [429, 200])
        self.assertEqual([reply.status for reply in right_password], [429, 429])
        for reply in (*first_pair, second_pair[1]):
            self.assertIn(WRONG_PASSWORD, reply.body)
        for reply in (second_pair[0], *right_password):
            self.assertEqual(reply.headers["Content-Type"], "text/html; charset=utf-8")
            self.assertIn(LOCKED, reply.body)
            self.assertNotIn("sessionid", reply.headers.get("Set-Cookie", ""))
        # The access log (in the order of the answers) shows each pair answered by the two workers.
        self.server.served_by(LOGIN, expected=3 + 6)
        posts = [(pid, status) for pid, status, method, path in self.server.access_entries() if method == "POST"]
        self.assertEqual([status for _, status in posts], [200, 200, 200, 429, 429, 429])
        for pair in range(3):
            self.assertNotEqual(posts[2 * pair][0], posts[2 * pair + 1][0], posts)
        self.assertEqual(len({pid for pid, _ in posts}), WORKERS, posts)

        # The API's login is not locked and answers JSON, whichever worker answers.
        refused = self.server.request_pair("POST", "/api/login/", {"username": "root", "password": "wrong"})
        accepted = self.server.request_pair("POST", "/api/login/", {"username": "root", "password": PASSWORD})
        for reply, status in [(refused[0], 400), (refused[1], 400), (accepted[0], 200), (accepted[1], 200)]:
            self.assertEqual(reply.status, status, reply.body)
            self.assertEqual(reply.headers["Content-Type"], "application/json")
