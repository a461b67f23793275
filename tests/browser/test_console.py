"""The province console, end to end in a real browser."""

from sqlmodel import select

from core.plugin_host import bundled_plugin_names
from core.rollout import RolloutRule
from tests.browser.conftest import shot


def _sign_in(page, base, login):
    page.goto(base + "/console")
    page.fill("#login-name", login)
    page.fill("#login-password", "demo-pass-1")
    page.click("#login-button")


def test_province_admin_switches_a_measure_and_reads_a_report(make_env, serve, browser):
    env = make_env(bundled_plugin_names(), now="2024-09-02")
    base = serve(env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, base, "admin.js")
    page.wait_for_selector("#rollout-table tr >> nth=1")
    assert "江苏总队" in page.inner_text("#who")
    headers = page.locator("#rollout-table th").all_inner_texts()
    assert "南京市" in headers and "苏州市" in headers and "上海市" not in headers
    shot(page, "console-rollout")

    assert (
        page.input_value("#rollout-date") == "2024-09-02"
    )  # the platform clock, not the browser's

    # switch the first measure in Suzhou, confirming the dialog; its state flips
    button = page.locator('#rollout-table button[data-city="320500"]').first
    measure = button.get_attribute("data-measure")
    was_on = "off" in (button.get_attribute("class") or "")
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    flipped = "on" if was_on else "off"
    page.wait_for_selector(
        f'#rollout-table button.{flipped}[data-measure="{measure}"][data-city="320500"]'
    )
    with env.session() as s:
        rule = s.exec(
            select(RolloutRule).where(
                RolloutRule.measure == measure,
                RolloutRule.city_code == "320500",
                RolloutRule.source == "ADMIN",
            )
        ).one()
    assert rule.enabled is (not was_on)
    shot(page, "console-after-switch")

    # dismissing the confirmation changes nothing
    again = page.locator(
        f'#rollout-table button.{flipped}[data-measure="{measure}"][data-city="320500"]'
    )
    page.once("dialog", lambda dialog: dialog.dismiss())
    again.click()
    page.wait_for_timeout(300)
    assert again.count() == 1

    # reports
    assert page.locator("#report-name option").count() >= 1
    page.select_option("#report-city", "C:320100")
    page.fill("#report-start", "2024-08-01")
    page.fill("#report-end", "2024-09-02")
    page.click("#report-run")
    page.wait_for_selector("#report-table tr, #report-error:not(:empty)")
    assert "失败" not in page.inner_text("#report-error")
    page.select_option("#report-city", "P:320000")  # the province: the sum of its cities
    page.click("#report-run")
    page.wait_for_selector("#report-table tr, #report-error:not(:empty)")
    assert "失败" not in page.inner_text("#report-error")
    shot(page, "console-report")


def test_citizen_cannot_use_the_console(make_env, serve, browser):
    env = make_env((), now="2024-09-02")
    base = serve(env)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    _sign_in(page, base, "13900000001")
    page.wait_for_selector("#login-error:has-text('不是总队管理员')")
    assert page.is_hidden("#rollout")
    shot(page, "console-refused-citizen")
