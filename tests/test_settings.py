"""Settings are read from the environment; production settings pass `check --deploy` cleanly."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-0123456789!$%^&*(",
    "ALLOWED_HOSTS": "shift-the-dial.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://shift-the-dial.example.gov.uk",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # The test process sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests; production never does.
    unset = {"DEBUG", "SECRET_KEY", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, *args], env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def _settings_under(env: dict[str, str], expression: str) -> str:
    code = f"import django, os; django.setup(); from django.conf import settings; print({expression})"
    result = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_url_celery_runs_eagerly_and_the_cache_is_local_memory():
    shown = _settings_under({"DEBUG": "1"}, "settings.CELERY_TASK_ALWAYS_EAGER, settings.CACHES['default']['BACKEND']")
    assert shown == "True django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_url_celery_and_the_cache_use_redis():
    shown = _settings_under(
        {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"},
        "getattr(settings, 'CELERY_TASK_ALWAYS_EAGER', False), settings.CELERY_BROKER_URL, "
        "settings.CACHES['default']['BACKEND']",
    )
    assert shown == "False redis://127.0.0.1:6379/3 django.core.cache.backends.redis.RedisCache"


def test_database_url_selects_postgresql():
    shown = _settings_under(
        {"DEBUG": "1", "DATABASE_URL": "postgres://someone@db.example:5433/wellbeing"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
    )
    assert shown == "django.db.backends.postgresql wellbeing"


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda: env_bool("X_FLAG", default=False), "maybe", "X_FLAG must be one of"),
        (lambda: env_int("X_NUMBER", default=1), "ten", "X_NUMBER must be a whole number"),
    ],
)
def test_bad_environment_values_are_refused_with_a_clear_message(monkeypatch, reader, raw, message):
    monkeypatch.setenv("X_FLAG", raw)
    monkeypatch.setenv("X_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader()


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , ,b.example")
    assert env_list("X_HOSTS", default=[]) == ["a.example", "b.example"]


def test_every_page_carries_a_strict_content_security_policy_and_security_headers(client, cast):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_under_production_settings_http_redirects_and_https_gets_hsts_and_locked_down_cookies():
    # Real production settings (DEBUG off, nothing overridden), in a subprocess.
    code = """
import django, json
django.setup()
from django.test import Client
http = Client().get("/accounts/login/", HTTP_HOST="shift-the-dial.example.gov.uk")
client = Client()
https = client.get("/accounts/login/", secure=True, HTTP_HOST="shift-the-dial.example.gov.uk")
from django.conf import settings
cookie = client.cookies["csrftoken"]
print(json.dumps({
    "http": [http.status_code, http.headers.get("Location")],
    "https": https.status_code,
    "hsts": https.headers.get("Strict-Transport-Security"),
    "csrf_cookie": [bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]],
    "session_cookie": [
        settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE
    ],
}))
"""
    result = _run(["-c", code], {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", "STATIC_MANIFEST": "0"})
    assert result.returncode == 0, result.stderr[-2000:]
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["http"] == [301, "https://shift-the-dial.example.gov.uk/accounts/login/"]
    assert shown["https"] == 200
    assert shown["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert shown["csrf_cookie"] == [True, True, "Lax"]
    assert shown["session_cookie"] == [True, True, "Lax"]


@pytest.mark.django_db
def test_signing_in_over_https_sets_a_secure_http_only_same_site_session_cookie_and_signing_out_ends_it(
    client, cast, settings
):
    # The production cookie settings (proved above to be what production loads), applied in-process
    # so that a real sign-in writes the cookies.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get("/accounts/login/", secure=True)
    signed_in = client.post(
        "/accounts/login/", {"username": cast.a.viewer.username, "password": cast.password}, secure=True
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert (bool(session["secure"]), bool(session["httponly"]), session["samesite"]) == (True, True, "Lax")
    csrf = signed_in.cookies["csrftoken"]
    assert (bool(csrf["secure"]), bool(csrf["httponly"]), csrf["samesite"]) == (True, True, "Lax")
    assert signed_in.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    old_session = session.value

    client.post("/accounts/logout/", secure=True)

    # The old session cookie no longer signs anyone in.
    client.cookies["sessionid"] = old_session
    assert client.get(f"/places/{cast.a.place.slug}/", secure=True).status_code == 302
