"""The documented example plugin works end to end (docs/example_plugin.py)."""

QUERY = "query($id: ID!) { exampleLicenceStatus(licenceId: $id) { status validUntil } }"
REMARK = "mutation($id: ID!, $t: String!) { exampleLicenceRemarkAdd(licenceId: $id, text: $t) { remarks errors { code field measure city date } } }"


def test_citizen_reads_own_licence_where_in_force(example_env):
    env = example_env
    lic = env.refs["zhang_licence"]
    assert (
        env.data(QUERY, {"id": lic.id}, as_="zhang_account")["exampleLicenceStatus"]["status"]
        == "NORMAL"
    )


def test_others_licence_is_not_found(example_env):
    body = example_env.gql(QUERY, {"id": example_env.refs["zhang_licence"].id}, as_="li_account")
    ext = body["errors"][0]["extensions"]
    # a core code, raised without a measure: the query field names the measure that refused
    assert (ext["code"], ext["measure"]) == ("NOT_FOUND", "example_measure")


def test_a_core_fields_refusal_names_no_measure(example_env):
    body = example_env.gql(
        'query { auditInclusionProof(logId: "national", leafHash: "zz") { leafIndex } }'
    )
    ext = body["errors"][0]["extensions"]
    assert ext["code"] == "INVALID_INPUT" and "measure" not in ext, body


def test_not_in_force_city_gets_feature_not_enabled(example_env):
    body = example_env.gql(QUERY, {"id": example_env.refs["li_licence"].id}, as_="li_account")
    ext = body["errors"][0]["extensions"]
    assert ext["code"] == "FEATURE_NOT_ENABLED"
    assert (
        ext["measure"] == "example_measure"
        and ext["city"] == "310100"
        and ext["date"] == "2024-09-02"
    )


def test_before_the_pilot_date_not_in_force(example_env):
    example_env.clock.set("2021-05-31")
    body = example_env.gql(QUERY, {"id": example_env.refs["zhang_licence"].id}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"


def test_clerk_remark_and_refusals(example_env):
    env = example_env
    lic = env.refs["zhang_licence"]
    ok = env.data(REMARK, {"id": lic.id, "t": "测试备注"}, as_="clerk")["exampleLicenceRemarkAdd"]
    assert ok == {"remarks": ["测试备注"], "errors": []}
    out = env.data(REMARK, {"id": lic.id, "t": "x"}, as_="clerk_sh")["exampleLicenceRemarkAdd"]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    out = env.data(REMARK, {"id": lic.id, "t": "x" * 101}, as_="clerk")["exampleLicenceRemarkAdd"]
    assert out["errors"][0] == {
        "code": "TOO_LONG",
        "field": "text",
        "measure": "example_measure",  # the measure whose operation refused
        "city": None,
        "date": None,
    }
    body = env.gql(REMARK, {"id": lic.id, "t": "x"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # disabled for the city: refused, nothing written
    env.set_rollout("example_measure", "320100", enabled=False, valid_from=env.clock.today())
    out = env.data(REMARK, {"id": lic.id, "t": "再次"}, as_="clerk")["exampleLicenceRemarkAdd"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    from core.registries.licences import DrivingLicence

    with env.session() as s:
        assert s.get(DrivingLicence, lic.id).remarks == ["测试备注"]  # data kept, nothing added


FIELDS = """query($t: String!) { __type(name: $t) { fields { name description } } }"""


def test_roles_sentence_is_generated_from_the_permission_rules(example_env):
    """The plugin writes no roles: the declarations' qualifiers and its permission rules make the
    "Roles:" sentence of each description."""

    def described(type_name: str) -> dict[str, str]:
        fields = example_env.data(FIELDS, {"t": type_name})["__type"]["fields"]
        return {f["name"]: f["description"] for f in fields}

    assert described("Query")["exampleLicenceStatus"] == (
        "A licence's live status. Roles: CITIZEN (own licence)."
    )
    assert described("Mutation")["exampleLicenceRemarkAdd"] == (
        "Add a remark to a licence. Roles: CLERK (own city)."
    )
