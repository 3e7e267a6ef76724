"""Meetings and people in a real browser (the fixtures of test_e2e.py: headless
Chromium over a live server on the sample minutes): the Parti facet, the stands in a
result, the meeting page with its attendance, a member's page, and back."""

from __future__ import annotations

import re

from test_e2e import PHONE, browser, live_server, page  # noqa: F401 - fixtures


def test_party_facet_meeting_and_person(page, live_server):  # noqa: F811
    page.goto(f"{live_server}/")
    party = page.locator("input[name=party][value='Ø']")
    label = page.locator(f"label[for='{party.get_attribute('id')}']")
    assert "Enhedslisten (Ø)" in label.inner_text()
    count = int(re.sub(r"\D", "", label.locator(".facet-count").inner_text()))
    label.click()  # applies at once
    page.wait_for_url(re.compile(r"party=%C3%98"))
    assert page.locator("#results-heading").inner_text().startswith(f"{count} resultat")
    stands = page.locator(".hit-positions").first
    assert "Imod" in stands.inner_text() and "Ø" in stands.inner_text()
    assert "Parti: Enhedslisten (Ø)" in page.locator(".chips").inner_text()

    # The meeting of the first hit: its attendance
    stands.get_by_role("link", name="Mødets deltagere").click()
    page.wait_for_url(re.compile(r"/meetings/"))
    rows = page.locator("table.participants tbody tr")
    assert rows.count() >= 3
    assert "Lars Berg" in rows.first.inner_text() and "Formand" in rows.first.inner_text()

    # A member's page, and its JSON twin
    page.get_by_role("link", name="Lars Berg").click()
    page.wait_for_url(re.compile(r"/people/"))
    assert page.locator("h1").inner_text() == "Lars Berg"
    twin = page.locator("link[rel=alternate][type='application/json']").get_attribute("href")
    person = page.request.get(live_server + twin).json()
    assert person["name"] == "Lars Berg" and person["attended"] == 1

    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"party=%C3%98"))


def test_meeting_page_fits_a_phone(browser, live_server):  # noqa: F811
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    phone = context.new_page()
    hits = phone.request.get(f"{live_server}/api/search?party=Ø").json()["results"]
    phone.goto(live_server + hits[0]["meeting_url"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
