"""Project-wide fixtures: personas and Chromium for the browser tests."""

import os
import shutil

import pytest

from cadre_portal.testing import make_personas


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def tree(personas):
    return personas.tree


def _client_for(client_factory, user):
    client = client_factory()
    client.force_login(user)
    return client


@pytest.fixture
def login(db):
    """login(user) -> a Django test client logged in as that user."""
    from django.test import Client

    return lambda user: _client_for(Client, user)


# --- Browser tests (pytest-playwright with Debian's Chromium) ---------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture(autouse=True)
def _allow_async_unsafe_for_browser(request):
    # The sync Playwright API runs an event loop in the test thread; Django's
    # ORM would otherwise refuse to run there.
    if request.node.get_closest_marker("browser"):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
