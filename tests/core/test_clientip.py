"""The client's address behind a reverse proxy: one function, used by the public rate limits, the
login lockout and the access log."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings

from gbvms.core.clientip import client_ip
from gbvms.core.models import AccessLog
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.5"
TRUSTED = ["10.0.0.5", "172.16.0.0/12"]


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestClientIp:
    def test_no_proxies_configured_means_remote_addr_whatever_the_header(self, settings):
        settings.TRUSTED_PROXIES = []
        assert client_ip(request("10.0.0.5", "198.51.100.1")) == "10.0.0.5"

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    def test_from_a_trusted_proxy_the_client_is_the_forwarded_address(self):
        assert client_ip(request(PROXY, "198.51.100.1")) == "198.51.100.1"

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    def test_forged_header_from_an_untrusted_address_is_ignored(self):
        assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
        assert client_ip(request("203.0.113.7", PROXY)) == "203.0.113.7"

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    def test_what_the_client_wrote_left_of_the_proxy_entry_is_never_believed(self):
        # the client sent "X-Forwarded-For: 1.1.1.1"; nginx appended the address it saw
        assert client_ip(request(PROXY, "1.1.1.1, 198.51.100.1")) == "198.51.100.1"

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    def test_chain_of_trusted_proxies_and_cidr(self):
        # client → 172.16.4.4 (CIDR) → 172.20.0.9 (CIDR) → 10.0.0.5 → app
        chain = "9.9.9.9, 198.51.100.1, 172.16.4.4, 172.20.0.9"
        assert client_ip(request(PROXY, chain)) == "198.51.100.1"
        # a hop outside the trusted network stops the walk there
        assert client_ip(request(PROXY, "198.51.100.1, 172.32.0.1")) == "172.32.0.1"

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    def test_only_trusted_hops_gives_the_left_most_of_them(self):
        assert client_ip(request(PROXY, "172.16.0.1, 172.16.0.2")) == "172.16.0.1"
        assert client_ip(request(PROXY, "")) == PROXY

    @override_settings(TRUSTED_PROXIES=TRUSTED)
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("unknown", PROXY),
            ("garbage, 198.51.100.1", "198.51.100.1"),
            ("198.51.100.1, garbage", PROXY),
            ("198.51.100.1, 172.16.0.1, <script>", PROXY),
            (" , ,", PROXY),
            ("198.51.100.1:4711", "198.51.100.1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("::ffff:198.51.100.1", "198.51.100.1"),
            ("x" * 10000, PROXY),
            (",".join(["172.16.0.1"] * 5000), "172.16.0.1"),
        ],
    )
    def test_garbage_is_handled_safely(self, header, expected):
        assert client_ip(request(PROXY, header)) == expected

    @override_settings(TRUSTED_PROXIES=["2001:db8:ffff::/48"])
    def test_ipv6_proxy_network(self):
        assert client_ip(request("2001:db8:ffff::2", "198.51.100.1")) == "198.51.100.1"
        assert client_ip(request("::ffff:10.0.0.5", "198.51.100.1")) == "10.0.0.5"

    def test_unusable_remote_addr_is_empty(self):
        assert client_ip(request("")) == ""
        assert client_ip(request("unix:/run/gunicorn.sock")) == ""


def _settings_with(value):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"GBVMS_DEBUG": "1", "GBVMS_TRUSTED_PROXIES": value})
    code = "import gbvms.settings as s; print(s.TRUSTED_PROXIES)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


class TestSetting:
    def test_parsed_and_normalised(self):
        result = _settings_with(" 10.0.0.5 , 172.16.0.0/12,2001:db8::/32 ")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "['10.0.0.5/32', '172.16.0.0/12', '2001:db8::/32']"

    def test_empty_by_default(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env["GBVMS_DEBUG"] = "1"
        code = "import gbvms.settings as s; print(s.TRUSTED_PROXIES)"
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.stdout.strip() == "[]"

    @pytest.mark.parametrize("bad", ["10.0.0.300", "nginx", "10.0.0.1/8", "10.0.0.0/33"])
    def test_a_bad_entry_fails_loudly(self, bad):
        result = _settings_with(f"10.0.0.5,{bad}")
        assert result.returncode != 0
        assert "GBVMS_TRUSTED_PROXIES" in result.stderr
        assert repr(bad) in result.stderr

    def test_the_old_proxy_count_is_refused_not_ignored(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update({"GBVMS_DEBUG": "1", "GBVMS_PROXY_COUNT": "1"})
        result = subprocess.run(
            [sys.executable, "-c", "import gbvms.settings"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "GBVMS_TRUSTED_PROXIES" in result.stderr


def ask(client, commune, forwarded, remote=PROXY):
    payload = {
        "kind": "need_help",
        "commune_code": commune.code,
        "description": "Cần giúp",
        "answers": [],
        "contact": {"no_contact": True},
    }
    return client.post(
        "/api/v1/public/help-requests",
        payload,
        content_type="application/json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
class TestEverywhere:
    @pytest.fixture(autouse=True)
    def _behind_the_proxy(self, settings):
        settings.TRUSTED_PROXIES = TRUSTED
        settings.PUBLIC_REQUESTS_PER_HOUR = 5

    def test_two_clients_behind_the_proxy_each_get_their_own_bucket(
        self, client, personas, commune_a
    ):
        first = [ask(client, commune_a, "198.51.100.1").status_code for _ in range(6)]
        second = [ask(client, commune_a, "198.51.100.2").status_code for _ in range(6)]
        assert first == second == [201] * 5 + [429]

    def test_forged_header_from_an_untrusted_address_shares_its_bucket(
        self, client, personas, commune_a
    ):
        codes = [
            ask(client, commune_a, f"198.51.100.{i}", remote="203.0.113.7").status_code
            for i in range(6)
        ]
        assert codes == [201] * 5 + [429]

    def test_login_lockout_is_keyed_on_the_real_client(self, personas):
        def login(forwarded, password):
            return Client().post(
                "/account/login/",
                {"username": f"u{forwarded}", "password": password},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=forwarded,
            )

        for _ in range(5):
            login("198.51.100.1", "wrong")
        locked = Client().post(
            "/account/login/",
            {"username": "officer", "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
        assert locked.status_code == 429
        other = Client().post(
            "/account/login/",
            {"username": "officer", "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.2",
        )
        assert other.status_code == 302  # the proxy's address itself is not locked
        from axes.models import AccessAttempt

        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}

    def test_access_log_records_the_real_client(self, personas):
        Client().post(
            "/account/login/",
            {"username": "officer", "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9",
        )
        assert AccessLog.objects.unscoped().get(action="core.login").ip == "198.51.100.9"
