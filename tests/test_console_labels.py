"""The province console presents reports in Chinese (issue 17 item 7): every registered report has
a display name in the one pattern, and every column any report answers has a Chinese label;
/console/labels.json names areas instead of codes. The browser side is
tests/browser/test_console_reports.py."""

import re

from core.plugin_api import ReportSpec
from core.plugin_host import bundled_plugin_names
from core.web import report_labels

PATTERN = re.compile(r"M\d\d [\u4e00-\u9fff“”（）()]+[^·]* · [^·]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_report_has_a_display_name_and_chinese_column_labels(make_env):
    env = make_env(bundled_plugin_names(), now="2024-09-02")
    response = env.http.get("/console/labels.json")
    assert response.status_code == 200
    labels = response.json()
    assert labels["areas"]["320100"] == "南京市" and labels["areas"]["320000"] == "江苏省"
    names = env.data("{ reports { name period } }", as_="province_admin")["reports"]
    assert {r["name"] for r in names} == set(env.platform.reports)
    for report in names:
        shown = labels["reports"][report["name"]]
        assert PATTERN.fullmatch(shown), shown
        assert shown.endswith(
            {"WEEKLY": "（周报）", "MONTHLY": "（月报）"}.get(report["period"], shown[-1])
        )
        body = env.data(
            'query($n:String!){ report(name:$n, city:"320100", start:"2024-08-01", end:"2024-09-02"){ columns } }',
            {"n": report["name"]},
            as_="province_admin",
        )
        own = labels["report_columns"].get(report["name"], {})
        for column in body["report"]["columns"]:
            label = own.get(column) or labels["columns"].get(column)  # as the console looks it up
            assert label and CJK.search(label), f"{report['name']}: no Chinese label for {column}"
    # a measure's own label wins over the shared one
    assert labels["report_columns"]["intersection_nonmotor.city"]["key"] == "重点路口数"
    assert "key" not in labels["columns"]


def test_display_names_follow_one_pattern():
    """The measure's code and Chinese title, the report's own subject (its title when it has
    none), the period."""

    class Measure:
        code, title_zh = "M01", "驾驶证电子化"

    spec = ReportSpec("x.monthly", "x", "X: monthly", "MONTHLY", print)
    assert report_labels.display_name(spec, Measure) == "M01 驾驶证电子化 · X: monthly（月报）"
    spec = ReportSpec(
        "x.monthly", "x", "X: monthly", "MONTHLY", print, subject_zh="申领、发放与核验"
    )
    assert (
        report_labels.display_name(spec, Measure) == "M01 驾驶证电子化 · 申领、发放与核验（月报）"
    )


def test_every_application_status_has_a_chinese_term():
    """Reports show the core's application statuses (M08's `business:status` rows): each has one,
    keyed by the enum, so a status added to the core fails here until it is labelled."""
    from core.registries.applications import AppStatus

    assert {str(s) for s in AppStatus} <= set(report_labels.VALUES)
    assert all(CJK.search(report_labels.VALUES[s]) for s in AppStatus)
