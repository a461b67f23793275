"""The demo accounts as a documented table (docs/demo-accounts.md), generated from the loaded demo
data (core/demo.py and every bundled measure's demo.py), so the table cannot drift from it:

    python -m core.demo_accounts            # print the tables (Markdown)
    python -m core.demo_accounts --write    # rewrite them in docs/demo-accounts.md

`tests/test_demo_accounts.py` loads the demo data set and fails when the document differs.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from core.accounts import Account, PartnerClient, PartnerOrg, Role
from core.divisions import CITIES, PROVINCES

DOC = Path(__file__).resolve().parent.parent / "docs" / "demo-accounts.md"
START, END = "<!-- demo-accounts:start -->\n", "<!-- demo-accounts:end -->"

# staff roles in the order a newcomer meets them, each with what to try when signed in as it
STAFF_ROLES: dict[str, tuple[str, str]] = {
    Role.PROVINCE_ADMIN: (
        "总队管理员",
        "the province console `/console`: rollout per city, reports",
    ),
    Role.NATIONAL_ADMIN: ("部局管理员", "the console for every province; national rollout"),
    Role.CLERK: (
        "窗口民警",
        "a clerk's review: the city's applications, accept / approve / reject",
    ),
    Role.SUPERVISOR: ("业务部门负责人", "the second review of two-person decisions; city reports"),
    Role.INSPECTOR: ("查验员", "vehicle inspections (used-car transfer, deregistration)"),
    Role.ROAD_OFFICER: ("路面执勤民警", "roadside checks: verify a licence or a truck pass"),
    Role.ACCIDENT_OFFICER: ("事故办案民警", "accident cases: evidence and parties' access"),
    Role.ACCIDENT_UNIT_HEAD: (
        "事故处理机构负责人",
        "approves parties' access to accident evidence",
    ),
}
# what a partner's scopes let it try; every partner signs in with `partnerTokenCreate`
PARTNER_USE: dict[str, str] = {
    "licence:verify": "the partner page `/partner`: verify a driving licence, keep the receipt",
    "vehicle_licence:verify": "verify an e-vehicle licence (`eVehicleLicenceVerify`, M13)",
    "mortgage:file": "file and release vehicle mortgages online (M10)",
    "courier:service": "courier home-service jobs (M16)",
    "deregistration:verify": "verify deregistration certificates for trade-in subsidies (M15)",
    "scrap:report": "report scrapped vehicles (M15)",
    "data:feed": "feed insurance, military and exit-entry data",
}


def _where(account: Account) -> str:
    if account.city_code:
        city = CITIES.get(account.city_code)
        return f"{city.name if city else '?'} ({account.city_code})"
    if account.province_code:
        province = PROVINCES.get(account.province_code)
        return f"{province.name if province else '?'} ({account.province_code})"
    return "全国"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables(session: Session) -> str:
    """Three Markdown tables: staff by role and city, citizens by city, partner clients."""
    from core.accounts import Person

    accounts = session.exec(select(Account).order_by(Account.login)).all()
    persons = {p.id: p for p in session.exec(select(Person)).all()}
    lines = ["### Staff (password `demo-pass-1`)", ""]
    lines += ["| role | 角色 | city / province | login | name | try |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    order = list(STAFF_ROLES)
    staff = [a for a in accounts if a.kind == "STAFF"]
    staff.sort(key=lambda a: (min(order.index(r) if r in order else 99 for r in a.roles or ["?"]), a.city_code or "", a.login))  # fmt: skip
    for account in staff:
        role = next((r for r in account.roles if r in STAFF_ROLES), account.roles[0])
        label, use = STAFF_ROLES.get(role, (role, ""))
        name = persons[account.person_id].name if account.person_id in persons else ""
        roles = ", ".join(account.roles)
        lines.append(
            f"| {roles} | {label} | {_where(account)} | `{account.login}` | {name} | {use} |"
        )
    lines += ["", "### Citizens (password `demo-pass-1`; sign in with the phone number)", ""]
    lines += ["| city | login | name |", "| --- | --- | --- |"]
    citizens = []
    for account in accounts:
        if account.kind != "CITIZEN":
            continue
        person = persons.get(account.person_id or "")
        city = person.domicile_city if person else None
        citizens.append((city or "", account.login, person.name if person else ""))
    for city, login, name in sorted(citizens):
        where = f"{CITIES[city].name} ({city})" if city in CITIES else city
        lines.append(f"| {where} | `{login}` | {_cell(name)} |")
    lines += ["", "### Partners (secret `partner-secret-1`)", ""]
    lines += ["| kind | client id | organisation | province | scopes | try |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    orgs = {o.id: o for o in session.exec(select(PartnerOrg)).all()}
    clients = session.exec(select(PartnerClient)).all()
    rows = []
    for client in clients:
        org = orgs[client.org_id]
        province = PROVINCES[org.province_code].name if org.province_code in PROVINCES else "全国"
        scopes = ", ".join(f"`{s}`" for s in org.scopes)
        use = "; ".join(PARTNER_USE.get(s, s) for s in org.scopes)
        rows.append((org.kind, client.client_id, org.name, province, scopes, use))
    for kind, client_id, org, province, scopes, use in sorted(rows):
        lines.append(f"| {kind} | `{client_id}` | {_cell(org)} | {province} | {scopes} | {use} |")
    lines += ["", "Partners sign in with `partnerTokenCreate(clientId, clientSecret)`."]
    return "\n".join(lines) + "\n"


def replace_in(document: str, generated: str) -> str:
    """`document` with what stands between the markers replaced by `generated`."""
    head, rest = document.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}{generated}{END}{tail}"


def generate() -> str:
    """Load the demo data set (core and every bundled measure) into a scratch SQLite database and
    return its tables."""
    from core.demo import load_demo_if_empty
    from core.platform import build_platform
    from core.settings import Settings

    with tempfile.TemporaryDirectory(prefix="demo-accounts-") as tmp:
        platform = build_platform(Settings(database_url=f"sqlite:///{tmp}/demo.db"))
        load_demo_if_empty(platform)
        with Session(platform.engine) as session:
            result = tables(session)
        platform.engine.dispose()
    return result


def main(argv: list[str]) -> int:
    generated = generate()
    if "--write" in argv:
        DOC.write_text(replace_in(DOC.read_text(encoding="utf-8"), generated), encoding="utf-8")
    else:
        sys.stdout.write(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
