"""The province console shows reports with one display-name pattern, Chinese column labels and
city names rather than codes (issue 17 item 7)."""

import re

from core.plugin_host import bundled_plugin_names
from tests.browser.conftest import shot

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_console_reports_in_chinese_with_city_names(make_env, serve, browser):
    env = make_env(bundled_plugin_names(), now="2024-09-02")
    base = serve(env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/console")
    page.fill("#login-name", "admin.js")
    page.fill("#login-password", "demo-pass-1")
    page.click("#login-button")
    page.wait_for_selector("#report-name option >> nth=1", state="attached")

    assert "江苏省" in page.inner_text("#who") and "320000" not in page.inner_text("#who")
    options = page.locator("#report-name option").all_inner_texts()
    assert len(options) >= 17 and options == sorted(options, key=lambda o: o.split(" ")[0])
    for shown in options:
        assert re.fullmatch(r"M\d\d \S+ · .+", shown), shown

    page.select_option("#report-name", "e_driving_licence.monthly")
    page.select_option("#report-city", label="南京市")
    page.fill("#report-start", "2024-08-01")
    page.fill("#report-end", "2024-09-02")
    page.click("#report-run")
    page.wait_for_selector("#report-table tr >> nth=1")
    headers = [h for h in page.locator("#report-table th").all_inner_texts() if h.strip()]
    assert headers and all(CJK.search(h) for h in headers), headers
    assert "申请数" in headers and "applications" not in headers
    labels = page.locator("#report-table tr td:first-child").all_inner_texts()
    assert "南京市" in labels and "320100" not in labels

    if page.locator("#report-city option", has_text="全省合计").count():  # province roll-ups
        page.select_option("#report-city", label="全省合计")
        page.click("#report-run")
        page.wait_for_selector("#report-table tr >> nth=1")
        labels = page.locator("#report-table tr td:first-child").all_inner_texts()
        assert "江苏省" in labels and "320000" not in labels, labels
    # row labels and coded figures: whole terms, else word by word, then area names; numbers stay
    page.select_option("#report-name", "used_car_transfer.concentration")
    assert page.evaluate("rowLabel('PAIR_IN 310100->320100')") == "转入（城市对） 上海市->南京市"
    assert page.evaluate("valueLabel('YES')") == "是"
    assert page.evaluate("valueLabel('320100')") == "南京市"
    assert page.evaluate("valueLabel('12')") == "12"
    page.select_option("#report-name", "overseas_relief_figures")
    assert page.evaluate("rowLabel('restorations needing Subject 1')") == "需考科目一的恢复驾驶资格"
    assert page.evaluate("rowLabel('RESTORE_AFTER_ABROAD:APPROVED')") == "恢复驾驶资格:已批准"
    shot(page, "console-report-chinese")
