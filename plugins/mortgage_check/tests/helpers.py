"""Shared GraphQL documents and builders of the M10 tests."""

from __future__ import annotations

from core.testing_answers import payload

from ..rules import MEASURE

PLUGINS = [MEASURE]
SHA_BANK = "1" * 64
SHA_AF = "a" * 64
# 十-二: a mortgage records its contract and the owner's written entrustment
DOCS = {
    "contractRef": "oss://contracts/c-1.pdf",
    "contractSha256": "c" * 64,
    "entrustmentRef": "oss://entrustments/e-1.pdf",
    "entrustmentSha256": "e" * 64,
    "entrustmentSealType": "PHYSICAL",
}

FILE = (
    "mutation($i: MortgageFileInput!) { mortgageFile(input: $i) { errors { code field rule "
    "measure city } filing { kind lenderName lenderKind sealType active } mortgaged "
    "archiveMarks } }"
)
REGISTRY_FILE = (
    "mutation($i: MortgageFinanceCompanyFileInput!) { mortgageFinanceCompanyFile(input: $i) { "
    "errors { code field rule } company { id creditCode kind } } }"
)
REGISTRY_READ = (
    "query($c: String!, $city: String!) { mortgageFinanceCompany(creditCode: $c, city: $city) "
    "{ name kind licenceCopySha256 } }"
)
CHECK = (
    "query($v: String!, $p: String!) { mortgageVehicleCheck(vin: $v, plate: $p, purpose: "
    '"转入登记") { mortgaged onlineVerified paperDocumentsRequired archiveMarks rule '
    "filings { kind lenderName active } } }"
)

MY_FILING_IDS = "{ myMortgageFilings { nodes { id kind active } } }"
DISPUTE_RAISE = """mutation($f: ID!, $r: String!) { mortgageDisputeRaise(filingId: $f, reason: $r) {
  errors { code field message } dispute { id status } } }"""
DISPUTE_DECIDE = """mutation($d: ID!, $up: Boolean!, $n: String!) { mortgageDisputeDecide(disputeId: $d,
  upheld: $up, note: $n) { errors { code field message } dispute { status } } }"""


def file(env, car, as_="bank", kind="MORTGAGE", sha=SHA_BANK, **extra) -> dict:
    who = env.refs[as_] if isinstance(as_, str) and isinstance(env.refs.get(as_), tuple) else as_
    i = {
        "vin": car.vin,
        "plate": car.plate,
        "kind": kind,
        "licenceCopyRef": "oss://licences/copy-1.pdf",
        "licenceCopySha256": sha,
        **(DOCS if kind == "MORTGAGE" else {}),
        **extra,
    }
    return payload(env.gql(FILE, {"i": i}, as_=who), "mortgageFile")


def registry_input(env, ref="auto_finance", **extra) -> dict:
    org = env.refs[ref][0]
    return {
        "name": org.name,
        "creditCode": org.credit_code,
        "kind": "AUTO_FINANCE",
        "city": "310100",
        "licenceCopyRef": "oss://registry/af.pdf",
        "licenceCopySha256": SHA_AF,
        "sealSha256": "b" * 64,
        "sealElectronic": True,
        **extra,
    }


def file_company(env, **extra) -> dict:
    body = env.gql(REGISTRY_FILE, {"i": registry_input(env, **extra)}, as_="national_admin")
    return payload(body, "mortgageFinanceCompanyFile")
