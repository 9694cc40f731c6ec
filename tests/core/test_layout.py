"""The base layout: accessible structure, role-aware navigation, nothing loaded from the internet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

import commonground

pytestmark = pytest.mark.django_db
STATIC = Path(commonground.__file__).parent / "core" / "static" / "commonground"


def test_layout_landmarks_and_skip_link(member_client: Any) -> None:
    html = member_client.get(reverse("home")).content.decode()
    assert re.search(r'<html lang="en', html)
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert html.count("<h1") == 1
    assert "Common Ground data hub" in html.split("<footer")[1]


def test_no_inline_scripts_and_nothing_from_the_internet(member_client: Any) -> None:
    for url in (reverse("home"), reverse("ecosystem:map"), reverse("ecosystem:organization_list")):
        html = member_client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, tag
        assert not re.search(r'(src|href)="(https?:)?//', html)


def test_vendored_htmx_and_stylesheet_exist() -> None:
    assert (STATIC / "vendor" / "htmx.min.js").stat().st_size > 10_000
    assert (STATIC / "vendor" / "htmx.LICENSE").exists()
    css = (STATIC / "site.css").read_text()
    assert ":focus-visible" in css and "@import" not in css and "http" not in css


def test_navigation_depends_on_role(steward_client: Any, member_client: Any) -> None:
    steward_nav = steward_client.get(reverse("home")).content.decode().split("</nav>")[0]
    member_nav = member_client.get(reverse("home")).content.decode().split("</nav>")[0]
    assert reverse("people:user_list") in steward_nav and reverse("admin:index") in steward_nav
    assert f'"{reverse("people:user_list")}"' not in member_nav and reverse("admin:index") not in member_nav
    assert reverse("ecosystem:map") in member_nav


def test_sign_out_is_a_post_form(member_client: Any) -> None:
    html = member_client.get(reverse("home")).content.decode()
    assert re.search(r'<form class="sign-out" method="post" action="/sign-out/">', html)


def test_every_form_field_has_a_label(steward_client: Any) -> None:
    for name in (
        "ecosystem:organization_create",
        "ecosystem:system_create",
        "ecosystem:flow_create",
        "people:user_create",
        "people:membership_create",
        "people:course_create",
        "people:training_create",
    ):
        html = steward_client.get(reverse(name)).content.decode()
        form = html[html.index('<form method="post" class="object-form"') :]
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', form)
        assert ids, name
        for field_id in ids:
            assert f'for="{field_id}"' in form, (name, field_id)
