"""The partners' verification page (/partner), end to end in a real browser, on a phone viewport."""

import datetime as dt

from plugins.e_driving_licence.tests.helpers import issue, show
from tests.browser.conftest import shot

PHONE = {"width": 390, "height": 844}


def _signed_in_page(browser, base):
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/partner")
    page.fill("#client-id", "rental-demo")
    page.fill("#client-secret", "partner-secret-1")
    page.click("#signin-button")
    page.wait_for_selector("#verify:not(.hidden)")
    return page


def _verify(page, payload, holds_class=None):
    page.fill("#payload", payload)
    page.select_option("#purpose", "车辆租赁")
    if holds_class:
        page.fill("#holds-class", holds_class)
    page.click("#verify-button")
    page.wait_for_selector("#answer:not(.hidden)")


def test_partner_verifies_a_valid_licence_and_keeps_a_receipt(make_env, serve, browser):
    env = make_env(["e_driving_licence"], now="2024-09-02")
    issue(env)
    payload = show(env)["payloads"][0]["text"]
    page = _signed_in_page(browser, serve(env))
    _verify(page, payload, holds_class="C1")
    assert "核验通过" in page.inner_text("#verdict")
    claims = page.inner_text("#claims")
    assert "持有所核准驾车型" in claims and "C1：是" in claims and "有效" in claims
    assert page.input_value("#receipt").startswith("VR2:")
    assert env.refs["zhang"].id_number not in page.content()  # no ID number reaches a partner
    shot(page, "partner-valid")


def test_tampered_expired_and_revoked_payloads_are_explained(make_env, serve, browser):
    env = make_env(["e_driving_licence"], now="2024-09-02")
    issue(env)
    payload = show(env)["payloads"][0]["text"]
    base = serve(env)
    page = _signed_in_page(browser, base)

    tampered = payload[:-6] + ("A" if payload[-6] != "A" else "B") + payload[-5:]
    _verify(page, tampered)
    assert "未通过" in page.inner_text("#verdict")
    assert "篡改" in page.inner_text("#reasons") or "不是有效" in page.inner_text("#reasons")
    shot(page, "partner-tampered")

    _verify(page, "DL1:NOT-A-REAL-CODE")
    assert "不是有效的电子驾驶证二维码" in page.inner_text("#reasons")

    env.clock.advance(dt.timedelta(minutes=10))
    _verify(page, payload)
    assert "已过期" in page.inner_text("#reasons")
    shot(page, "partner-expired")

    from core.registries.licences import DrivingLicence

    with env.session() as s:
        lic = s.get(DrivingLicence, env.refs["zhang_licence"].id)
        lic.status = "REVOKED"
        s.add(lic)
        s.commit()
    fresh = show(env)
    payload = fresh["payloads"][0]["text"] if fresh["payloads"] else payload
    _verify(page, payload)
    assert "未通过" in page.inner_text("#verdict")
    shot(page, "partner-revoked")


def test_wrong_partner_secret_is_refused(make_env, serve, browser):
    env = make_env(["e_driving_licence"], now="2024-09-02")
    page = browser.new_page(viewport=PHONE)
    page.goto(serve(env) + "/partner")
    page.fill("#client-id", "rental-demo")
    page.fill("#client-secret", "wrong")
    page.click("#signin-button")
    page.wait_for_selector("#signin-error:has-text('错误')")
    assert page.is_hidden("#verify")
