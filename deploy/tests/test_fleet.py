"""The fleet, tested on its real processes: nginx, two gunicorn app servers, PostgreSQL, Redis and the S3 server.

Run by `make stack-test` (deploy/stack.py test) against a running `make stack`; skipped unless CODERR_STACK_URL
is set, and outside every Django app, so `manage.py test` never collects it. Requests go through nginx
(CODERR_STACK_URL) or straight to one app server (stack.APPS) where a test needs to choose the server.
The SIGKILL test prints its figures and writes them to .stack/fleet-figures.json.
"""

import io
import json
import os
import re
import secrets
import statistics
import subprocess
import threading
import time
import unittest
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
import stack
from PIL import Image

PROXY = os.environ.get("CODERR_STACK_URL", "")
PASSWORD = "Fleet-test-pass-2026!"
APP1, APP2 = stack.APPS
# How nginx names an upstream in its log.
APP1_ADDRESS = f"{stack.HOST}:{APP1.port}"
NGINX_LOG = stack.NGINX.dir / "coderr-access.log"
NGINX_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<upstream>.*?) ustatus='
)
RELEASE_NO_OP = "Release done: 0 migrations applied, 0 static files copied."

# The load while an app server is killed: bounded in threads, time and requests.
GET_THREADS = 6
WARM_UP_SECONDS = 2.0
AFTER_KILL_SECONDS = 4.0
MAX_REQUESTS_PER_THREAD = 3000
REJOIN_TIMEOUT = 30


def png(color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, format="PNG")
    return buffer.getvalue()


def package(offer_type, price):
    return {
        "title": offer_type.title(),
        "revisions": 2,
        "delivery_time_in_days": 5,
        "price": price,
        "features": ["Logo"],
        "offer_type": offer_type,
    }


def offer_body(title="Fleet offer"):
    return {
        "title": title,
        "description": "Made by the fleet test.",
        "details": [package("basic", 100), package("standard", 200), package("premium", 300)],
    }


class Client:
    """Requests to one base URL (nginx or an app server), as one user (a token) and one client address."""

    def __init__(self, base, token=None, forwarded_for=None):
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"
        if forwarded_for:
            self.session.headers["X-Forwarded-For"] = forwarded_for

    def at(self, base):
        """The same user and address, talking to another server."""
        other = Client(base)
        other.session.headers.update(self.session.headers)
        return other

    def request(self, method, path, **kwargs):
        return self.session.request(method, self.base + path, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def register(base, user_type, forwarded_for=None):
    """A new account made through `base`; returns (Client for it at `base`, user id, username)."""
    username = f"fleet{secrets.token_hex(5)}"
    body = {
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        "repeated_password": PASSWORD,
        "type": user_type,
    }
    response = Client(base, forwarded_for=forwarded_for).post("/api/registration/", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return Client(base, data["token"], forwarded_for), data["user_id"], username


def fetch(url):
    """An anonymous GET of a media URL, as a browser's <img> makes it."""
    return requests.get(url, timeout=10)


def nginx_log_size():
    return NGINX_LOG.stat().st_size if NGINX_LOG.exists() else 0


def nginx_entries(since, timeout=5, until=lambda entries: True):
    """Parsed lines nginx wrote after byte `since`: (method, path, status, [upstreams tried]).

    nginx writes a line once a request is done; `until` lets a caller wait (bounded) for the line it expects.
    """
    deadline = time.monotonic() + timeout
    while True:
        with NGINX_LOG.open("rb") as log:
            log.seek(since)
            lines = log.read().decode(errors="replace").splitlines()
        entries = []
        for line in lines:
            match = NGINX_LINE.search(line)
            if match:
                upstreams = [address.strip() for address in match["upstream"].split(",")]
                entries.append((match["method"], match["path"], int(match["status"]), upstreams))
        if until(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)


@dataclass
class Sent:
    method: str
    path: str
    thread: int
    started: float
    ended: float
    status: object
    created_id: int | None = None


@unittest.skipUnless(PROXY, "the fleet tests need a running `make stack` (run them with `make stack-test`)")
class FleetTests(unittest.TestCase):
    def setUp(self):
        # A test that killed an app server restarts it; a failed one must not leave the next test a server short.
        for app in stack.APPS:
            if stack.running_pid(app) is None:
                stack.start_app(app)

    def test_an_image_uploaded_through_one_server_is_served_and_deletable_through_the_other(self):
        on_app1, user_id, _ = register(APP1.url, "business")
        on_app2 = on_app1.at(APP2.url)
        profile = f"/api/profile/{user_id}/"

        uploaded = on_app1.patch(profile, files={"file": ("me.png", png(), "image/png")})
        self.assertEqual(uploaded.status_code, 200, uploaded.text)
        first = uploaded.json()["file"]
        self.assertRegex(first, rf"^{re.escape(PROXY)}/media/profile_images/[0-9a-f]{{32}}\.png$")
        self.assertEqual(on_app2.get(profile).json()["file"], first)
        served = fetch(first)
        self.assertEqual((served.status_code, served.headers["Content-Type"]), (200, "image/png"))
        self.assertEqual(Image.open(io.BytesIO(served.content)).size, (16, 16))

        replaced = on_app2.patch(profile, files={"file": ("new.png", png((0, 90, 200)), "image/png")})
        self.assertEqual(replaced.status_code, 200, replaced.text)
        second = replaced.json()["file"]
        self.assertNotEqual(second, first)
        self.assertEqual(fetch(second).status_code, 200)
        self.assertEqual(fetch(first).status_code, 404, "app2 deletes the picture app1 stored")

        offer = on_app1.post("/api/offers/", json=offer_body()).json()
        image = on_app1.patch(f"/api/offers/{offer['id']}/", files={"image": ("o.png", png(), "image/png")})
        self.assertEqual(image.status_code, 200, image.text)
        self.assertEqual(fetch(image.json()["image"]).status_code, 200)
        self.assertEqual(on_app2.delete(f"/api/offers/{offer['id']}/").status_code, 204)
        self.assertEqual(fetch(image.json()["image"]).status_code, 404, "app2 deletes the image app1 stored")

    def test_a_token_issued_by_one_server_works_on_the_other_and_its_revocation_too(self):
        on_app1, user_id, username = register(APP1.url, "customer")
        on_app2 = on_app1.at(APP2.url)

        read = on_app2.get(f"/api/profile/{user_id}/")
        self.assertEqual(read.status_code, 200, read.text)
        self.assertEqual(read.json()["username"], username)

        self.assertEqual(on_app2.post("/api/logout/").status_code, 204)
        self.assertEqual(on_app1.get(f"/api/profile/{user_id}/").status_code, 401)

    def test_the_login_throttle_counts_the_logins_of_both_servers_together(self):
        _, _, username = register(APP1.url, "customer")
        # A client address of this run's own, so that earlier runs' counts (kept for a minute) do not matter.
        address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
        servers = [APP1.url, APP2.url]
        wrong = {"username": username, "password": "not-the-password"}

        statuses = [
            Client(servers[attempt % 2], forwarded_for=address).post("/api/login/", json=wrong).status_code
            for attempt in range(stack.LOGIN_RATE)
        ]
        throttled = [Client(server, forwarded_for=address).post("/api/login/", json=wrong) for server in servers]

        self.assertEqual(statuses, [400] * stack.LOGIN_RATE)
        self.assertEqual([response.status_code for response in throttled], [429, 429])
        self.assertTrue(all(response.headers.get("Retry-After") for response in throttled))
        other_address = Client(APP2.url, forwarded_for=f"{address}1").post(
            "/api/login/", json={"username": username, "password": PASSWORD}
        )
        self.assertEqual(other_address.status_code, 200, other_address.text)

    def test_sigkill_of_an_app_server_under_load_loses_no_get_and_no_acknowledged_write(self):
        business, business_id, _ = register(PROXY, "business")
        customer, _, _ = register(PROXY, "customer")
        offer = business.post("/api/offers/", json=offer_body()).json()
        package_id = offer["details"][0]["id"]
        reads = [
            ("/api/offers/", False),
            (f"/api/offers/{offer['id']}/", False),
            (f"/api/offerdetails/{package_id}/", False),
            ("/api/base-info/", False),
            (f"/api/profile/{business_id}/", True),
        ]
        sent, lock, stop = [], threading.Lock(), threading.Event()

        def record(item):
            with lock:
                sent.append(item)

        def send(thread, client, method, path, **kwargs):
            started = time.monotonic()
            try:
                response = client.request(method, path, **kwargs)
                status = response.status_code
                created = response.json().get("id") if status == 201 else None
            except requests.RequestException as exc:
                status, created = exc.__class__.__name__, None
            record(Sent(method, path, thread, started, time.monotonic(), status, created))

        def reader(thread):
            anonymous, signed_in = Client(PROXY), business.at(PROXY)
            for count in range(MAX_REQUESTS_PER_THREAD):
                if stop.is_set():
                    return
                path, needs_token = reads[(thread + count) % len(reads)]
                send(thread, signed_in if needs_token else anonymous, "GET", path)

        def writer(thread, client, path, body):
            for _ in range(MAX_REQUESTS_PER_THREAD):
                if stop.is_set():
                    return
                send(thread, client, "POST", path, json=body)

        threads = [threading.Thread(target=reader, args=(thread,)) for thread in range(GET_THREADS)]
        threads.append(
            threading.Thread(
                target=writer, args=(GET_THREADS, customer, "/api/orders/", {"offer_detail_id": package_id})
            )
        )
        threads.append(threading.Thread(target=writer, args=(GET_THREADS + 1, business, "/api/offers/", offer_body())))
        log_start = nginx_log_size()
        for thread in threads:
            thread.start()
        try:
            time.sleep(WARM_UP_SECONDS)
            killed_at = time.monotonic()
            stack.kill_part(APP1)
            # SIGKILL sent and the process gone: a request that overlaps [killed_at, dead_at] may be cut off.
            dead_at = time.monotonic()
            time.sleep(AFTER_KILL_SECONDS)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        load_end = time.monotonic()
        self.assertFalse(any(thread.is_alive() for thread in threads), "a load thread did not finish")
        during_load = nginx_entries(log_start, until=lambda entries: len(entries) >= len(sent))

        restart_started = time.monotonic()
        stack.start_app(APP1)
        answering_at = time.monotonic()
        rejoin_start = nginx_log_size()
        rejoined_after = None
        while time.monotonic() - answering_at < REJOIN_TIMEOUT:
            Client(PROXY).get("/api/ping/")
            served_by_app1 = [e for e in nginx_entries(rejoin_start, timeout=0) if e[3] == [APP1_ADDRESS]]
            if served_by_app1:
                rejoined_after = time.monotonic() - answering_at
                break
            time.sleep(0.1)

        gets = [item for item in sent if item.method == "GET"]
        posts = [item for item in sent if item.method == "POST"]
        after_kill = [item for item in sent if item.started >= killed_at]
        in_flight = [item for item in sent if item.started < dead_at and item.ended > killed_at]
        failed_gets = [item for item in gets if item.status != 200]
        failed_posts = [item for item in posts if item.status != 201]
        acknowledged = [item for item in posts if item.status == 201]
        lost = [
            item
            for item in acknowledged
            if (customer if item.path == "/api/orders/" else Client(PROXY))
            .get(f"{item.path}{item.created_id}/")
            .status_code
            != 200
        ]
        retried = [entry for entry in during_load if len(entry[3]) > 1]
        app1_before_kill = [entry for entry in during_load if entry[3][0] == APP1_ADDRESS]
        # Per reading thread: how long after the kill its first request started after the kill was answered.
        served_again = []
        for thread in range(GET_THREADS):
            answered = [item.ended for item in gets if item.thread == thread and item.started >= killed_at]
            if answered:
                served_again.append(min(answered) - killed_at)
        before = [item.ended - item.started for item in gets if item.ended < killed_at]
        figures = {
            "requests_sent": len(sent),
            "requests_sent_after_the_kill": len(after_kill),
            "requests_in_flight_at_the_kill": len(in_flight),
            "kill_seconds_from_signal_to_process_gone": round(dead_at - killed_at, 3),
            "seconds_of_load_after_the_kill": round(load_end - killed_at, 2),
            "gets": len(gets),
            "failed_gets": len(failed_gets),
            "posts": len(posts),
            "posts_acknowledged": len(acknowledged),
            "posts_failed": len(failed_posts),
            "acknowledged_writes_lost": len(lost),
            "requests_nginx_retried_on_the_other_server": len(retried),
            "failover_seconds_until_every_reader_was_served_again": round(max(served_again), 3),
            "longest_request_in_flight_at_the_kill_seconds": round(
                max((item.ended - item.started for item in in_flight), default=0), 3
            ),
            "get_p50_before_the_kill_ms": round(statistics.median(before) * 1000, 1),
            "restart_until_answering_seconds": round(answering_at - restart_started, 2),
            "rejoined_seconds_after_answering": None if rejoined_after is None else round(rejoined_after, 2),
        }
        print("\nSIGKILL of app1 under load:", json.dumps(figures, indent=2))
        (stack.STATE / "fleet-figures.json").write_text(json.dumps(figures, indent=2) + "\n")

        self.assertTrue(app1_before_kill, "app1 served part of the load before it was killed")
        self.assertTrue(after_kill, "requests were sent after the kill")
        self.assertEqual([(item.path, item.status) for item in failed_gets], [])
        self.assertEqual(lost, [])
        self.assertTrue(acknowledged, "writes were acknowledged during the test")
        # Only a write that app1 was handling when it died may fail (unacknowledged); nginx resends none.
        self.assertEqual([item for item in failed_posts if item not in in_flight], [])
        self.assertTrue(retried, "nginx retried the requests app1 could not answer on app2")
        self.assertIsNotNone(rejoined_after, "the restarted app1 answered requests through nginx again")

    def test_release_twice_in_a_row_changes_nothing_the_second_time(self):
        env = stack.app_env()

        def make_release():
            result = subprocess.run(
                ["make", "-s", "release"], cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=600
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            return result.stdout.strip().splitlines()[-1]

        def state():
            files = {path: path.stat().st_mtime_ns for path in Path(stack.STATIC_ROOT).rglob("*") if path.is_file()}
            with psycopg.connect(env["DATABASE_URL"]) as connection:
                migrations = connection.execute("SELECT count(*), max(id) FROM django_migrations").fetchone()
            return files, migrations

        make_release()
        before = state()
        second = make_release()

        self.assertEqual(second, RELEASE_NO_OP)
        self.assertEqual(state(), before)

    def test_the_frontends_flows_work_through_the_proxy(self):
        """Upload a profile picture, create an offer and give it an image, edit it, delete it: all through nginx."""
        business, user_id, username = register(PROXY, "business")
        profile = f"/api/profile/{user_id}/"
        self.assertEqual(business.get(profile).status_code, 200)

        fields = {
            "first_name": "Max",
            "last_name": "Weber",
            "location": "Hamburg",
            "tel": "040 987654",
            "description": "Logos.",
            "working_hours": "10-18",
            "email": f"{username}@example.com",
        }
        edited = business.patch(profile, data=fields, files={"file": ("me.png", png(), "image/png")})
        self.assertEqual(edited.status_code, 200, edited.text)
        picture = edited.json()["file"]
        self.assertEqual(business.get(profile).json()["file"], picture)
        self.assertEqual(fetch(picture).status_code, 200)

        created = business.post("/api/offers/", json=offer_body("Flow offer"))
        self.assertEqual(created.status_code, 201, created.text)
        offer_id = created.json()["id"]
        with_image = business.patch(f"/api/offers/{offer_id}/", files={"image": ("o.png", png(), "image/png")})
        self.assertEqual(with_image.status_code, 200, with_image.text)
        image = with_image.json()["image"]
        self.assertEqual(fetch(image).status_code, 200)

        packages = [business.get(f"/api/offerdetails/{item['id']}/").json() for item in created.json()["details"]]
        for item in packages:
            item["price"] = item["price"] + 1
        self.assertEqual(business.patch(f"/api/offers/{offer_id}/", json={"details": packages}).status_code, 200)
        listed = business.get(f"/api/offers/?creator_id={user_id}&search=&ordering=&page=1&max_delivery_time=")
        self.assertEqual(
            [(item["id"], item["image"], item["min_price"]) for item in listed.json()["results"]],
            [(offer_id, image, 101)],
        )

        self.assertEqual(business.delete(f"/api/offers/{offer_id}/").status_code, 204)
        self.assertEqual(fetch(image).status_code, 404)
        login = Client(PROXY).post("/api/login/", json={"username": username, "password": PASSWORD})
        self.assertEqual((login.status_code, login.json().get("user_id")), (200, user_id))


if __name__ == "__main__":
    unittest.main()
