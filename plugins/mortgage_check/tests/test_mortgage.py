"""M10 through the GraphQL API: online filing, the national registry, the transfer-in check."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.accounts import PartnerKind
from core.audit import AuditEvent
from core.registries.applications import Application
from core.registries.vehicles import ArchiveFile, Vehicle
from core.testing_db import audit_events, load_demo, row_count, update_row

from .. import demo as demo_data
from .. import rules
from ..models import MortgageFilingRow, MortgageFinanceCompanyRow
from .helpers import (
    CHECK,
    PLUGINS,
    REGISTRY_FILE,
    REGISTRY_READ,
    SHA_AF,
    SHA_BANK,
    file,
    file_company,
    registry_input,
)


@pytest.mark.parametrize("seal", ["ELECTRONIC", "PHYSICAL"])
def test_bank_files_online_and_archive_is_marked(make_env, seal):
    env = make_env(PLUGINS, now="2021-06-01")
    car = env.refs["zhang_car"]
    out = file(env, car, sealType=seal)
    assert out["errors"] == []
    assert out["mortgaged"] is True and "联网核查" in out["archiveMarks"]
    assert out["filing"]["sealType"] == seal and out["filing"]["lenderKind"] == "BANK"
    with env.session() as s:
        v = s.get(Vehicle, car.id)
        assert v.mortgaged and v.archive_marks == ["联网核查"]
        files = s.exec(select(ArchiveFile).where(ArchiveFile.vehicle_id == car.id)).all()
        assert [f.kind for f in files] == ["MORTGAGE"] and files[0].sha256 == SHA_BANK
        app = s.exec(select(Application).where(Application.measure == "mortgage_check")).one()
        assert (app.status, app.channel) == ("COMPLETED", "PARTNER")
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "mortgage_check.file")).one()
        assert event.outcome == "OK" and event.subject_person_id == env.refs["zhang"].id


def test_not_in_force_before_2021_06_01_writes_nothing(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    out = file(env, env.refs["zhang_car"])
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert out["errors"][0]["city"] == "320100"
    with env.session() as s:
        assert s.get(Vehicle, env.refs["zhang_car"].id).mortgaged is False
        assert s.exec(select(MortgageFilingRow)).all() == []


def test_roles_that_may_not_file(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    for who in ("clerk", "zhang_account", env.refs["insurer"]):
        assert file(env, car, as_=who)["errors"][0]["code"] == "FORBIDDEN"
    assert file_company(env)["errors"] == []  # national admin may
    body = env.gql(
        REGISTRY_FILE, {"i": registry_input(env, "finance_company")}, as_="province_admin"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_partner_without_the_scope_is_refused(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    with env.session() as s:
        other = env.factory(s).partner("某银行", PartnerKind.BANK, [], client_id="bank-noscope")
        s.commit()
    out = file(env, env.refs["zhang_car"], as_=other)
    assert out["errors"][0]["code"] == "FORBIDDEN"


def test_finance_company_must_be_in_the_national_registry(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    out = file(env, car, as_="auto_finance", sha=SHA_AF)
    assert (
        out["errors"][0]["code"] == "NOT_FILED_NATIONALLY" and "十-三" in out["errors"][0]["rule"]
    )
    assert file_company(env)["errors"] == []
    wrong = file(env, car, as_="auto_finance", sha="c" * 64)
    assert wrong["errors"][0]["code"] == "LICENCE_COPY_MISMATCH"
    ok = file(env, car, as_="auto_finance", sha=SHA_AF)
    assert ok["errors"] == [] and ok["filing"]["lenderName"] == env.refs["auto_finance"][0].name
    assert ok["filing"]["lenderKind"] == "AUTO_FINANCE"


def test_registry_input_and_duplicates(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert file_company(env)["errors"] == []
    assert file_company(env)["errors"][0]["code"] == "ALREADY_EXISTS"
    for extra, code, field in [
        ({"creditCode": "91X"}, "INVALID_CREDIT_CODE", "creditCode"),
        ({"city": "000000"}, "UNKNOWN_CITY", "city"),
        ({"licenceCopySha256": "zz"}, "INVALID_INPUT", "licenceCopySha256"),
        ({"name": ""}, "INVALID_INPUT", "name"),
        ({"name": "名" * 101}, "TOO_LONG", "name"),
    ]:
        body = env.gql(
            REGISTRY_FILE,
            {"i": registry_input(env, "finance_company", **extra)},
            as_="national_admin",
        )
        err = body["data"]["mortgageFinanceCompanyFile"]["errors"][0]
        assert (err["code"], err["field"]) == (code, field), extra
    bad_enum = env.post(REGISTRY_FILE, {"i": registry_input(env, kind="BANK")}, as_=None)
    assert bad_enum.status_code == 200 and bad_enum.json()["errors"]
    assert row_count(env, MortgageFinanceCompanyRow) == 1


def test_registry_not_in_force_before_effective_date(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    assert file_company(env)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"


def test_local_office_consults_the_registry(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    file_company(env)
    code = env.refs["auto_finance"][0].credit_code
    row = env.data(REGISTRY_READ, {"c": code, "city": "320100"}, as_="clerk")
    assert row["mortgageFinanceCompany"]["licenceCopySha256"] == SHA_AF
    none = env.data(
        REGISTRY_READ,
        {"c": env.refs["finance_company"][0].credit_code, "city": "320100"},
        as_="clerk",
    )
    assert none["mortgageFinanceCompany"] is None
    other = env.gql(REGISTRY_READ, {"c": code, "city": "310100"}, as_="clerk")
    assert other["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    citizen = env.gql(REGISTRY_READ, {"c": code, "city": "320100"}, as_="zhang_account")
    assert citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_release_only_by_the_mortgagee(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    assert file(env, car, kind="RELEASE")["errors"][0]["code"] == "NOT_MORTGAGED"
    file(env, car)
    assert file(env, car)["errors"][0]["code"] == "ALREADY_MORTGAGED"
    file_company(env)
    other = file(env, car, as_="auto_finance", kind="RELEASE", sha=SHA_AF)
    assert other["errors"][0]["code"] == "NOT_MORTGAGEE"
    done = file(env, car, kind="RELEASE")
    assert done["errors"] == [] and done["mortgaged"] is False
    assert done["archiveMarks"] == ["联网核查"]
    with env.session() as s:
        filings = s.exec(select(MortgageFilingRow)).all()
        assert sorted((f.kind, f.active) for f in filings) == [
            ("MORTGAGE", False),
            ("RELEASE", False),
        ]


def test_malformed_filing_input(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    assert file(env, car, vin="BAD")["errors"][0]["code"] == "INVALID_INPUT"
    assert file(env, car, plate="苏A00000")["errors"][0]["code"] == "NOT_FOUND"
    assert file(env, car, sha="short")["errors"][0]["code"] == "INVALID_INPUT"
    assert file(env, car, licenceCopyRef="x" * 201)["errors"][0]["code"] == "TOO_LONG"
    assert row_count(env, MortgageFilingRow) == 0


def test_transfer_in_office_checks_online_and_needs_no_paper(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    file(env, car)
    res = env.data(CHECK, {"v": car.vin, "p": car.plate}, as_="clerk_sh")["mortgageVehicleCheck"]
    assert res["mortgaged"] and res["onlineVerified"] and res["paperDocumentsRequired"] is False
    assert "十-一" in res["rule"] and res["filings"][0]["lenderName"]
    reads = audit_events(env, "mortgage_check.vehicle_check")
    assert len(reads) == 1 and reads[0].subject_person_id == env.refs["zhang"].id
    body = env.gql(CHECK, {"v": car.vin, "p": car.plate}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_check_is_gated_by_the_office_city_rollout(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    car = env.refs["zhang_car"]
    body = env.gql(CHECK, {"v": car.vin, "p": car.plate}, as_="clerk_sh")
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_paper_mortgage_without_the_mark_still_needs_paper(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    update_row(env, Vehicle, car.id, mortgaged=True)
    res = env.data(CHECK, {"v": car.vin, "p": car.plate}, as_="clerk")["mortgageVehicleCheck"]
    assert res["onlineVerified"] is False and res["paperDocumentsRequired"] is True


def test_demo_data_loads(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    demo = load_demo(env, demo_data.load)
    car = env.refs["elder_car"]
    res = env.data(CHECK, {"v": car.vin, "p": car.plate}, as_="clerk")["mortgageVehicleCheck"]
    assert res["mortgaged"] and res["onlineVerified"]
    code = demo["finance_company"][0].credit_code
    row = env.data(REGISTRY_READ, {"c": code, "city": "320100"}, as_="clerk")
    assert row["mortgageFinanceCompany"]["kind"] == "FINANCE_COMPANY"
    mine = env.data(
        "{ myMortgageFilings { nodes { kind contract { ref } } } }", as_="elder_account"
    )
    assert mine["myMortgageFilings"]["nodes"] == [
        {"kind": "MORTGAGE", "contract": {"ref": "demo://contract/elder-car"}}
    ]


def test_pure_rules():
    assert rules.with_online_mark(None) == ["联网核查"]
    assert rules.with_online_mark(["联网核查"]) == ["联网核查"]
    assert rules.paper_required(["联网核查"], True) is False
    assert rules.paper_required([], True) is True
    assert rules.paper_required([], False) is False
    assert rules.check_lender_kind("BANK") is PartnerKind.BANK
    with pytest.raises(Exception) as exc:
        rules.check_lender_kind("INSURER")
    assert exc.value.code == "PARTNER_NOT_ALLOWED"
    assert rules.needs_registry(PartnerKind.FINANCE_COMPANY)
    assert not rules.needs_registry(PartnerKind.BANK)
