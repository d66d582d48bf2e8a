"""The production static build: compiled CSS with our font and asset paths, and hashed ES modules
whose imports point at hashed files (config/storage.py)."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

APP_CSS = settings.BASE_DIR / "build" / "static" / "app" / "app.css"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    if not APP_CSS.exists():
        pytest.fail("build/static/app/app.css is missing: run `make setup` (it compiles the Sass).")
    root = tmp_path_factory.mktemp("staticfiles")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.gov.uk",
        "STATIC_MANIFEST": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django; from django.conf import settings; "
        f"settings.STATIC_ROOT = {str(root)!r}; django.setup(); "
        "from django.core.management import call_command; call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def test_compiled_css_uses_the_system_font_stack_and_served_asset_paths():
    css = APP_CSS.read_text()
    assert "GDS Transport" not in css
    assert "system-ui" in css
    urls = set(re.findall(r"url\(\"?([^)\"]+)", css))
    assert urls and all(url.startswith("/static/") for url in urls), urls


def test_hashed_app_module_imports_hashed_frontend_files(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    app_module = (collected / manifest["js/app.mjs"]).read_text()
    govuk, moj = manifest["govuk/govuk-frontend.min.js"], manifest["moj/moj-frontend.min.js"]
    assert f'"../{govuk}"' in app_module and f'"../{moj}"' in app_module
    assert (collected / govuk).exists() and (collected / moj).exists()


def test_plotly_and_htmx_come_from_their_python_packages(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert "plotly/plotly.min.js" in manifest
    assert "django_htmx/htmx-2.min.js" in manifest
