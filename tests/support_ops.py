"""Build a minimal valid call of any root field from the schema (for matrix and fuzz tests)."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)

from core.accounts import Role

SCALARS = {
    "String": '"x"',
    "ID": '"x"',
    "Int": "1",
    "Float": "1.0",
    "Boolean": "true",
    "Date": '"2024-01-01"',
    "DateTime": '"2024-01-01T09:00:00+08:00"',
    "JSON": "{}",
    "Time": '"09:00:00"',
}

# which demo record acts in each role
ROLE_REF = {
    Role.CITIZEN: "zhang_account",
    Role.CLERK: "clerk",
    Role.SUPERVISOR: "supervisor",
    Role.ROAD_OFFICER: "road_officer",
    Role.ACCIDENT_OFFICER: "accident_officer",
    Role.ACCIDENT_UNIT_HEAD: "accident_head",
    Role.INSPECTOR: "inspector",
    Role.PROVINCE_ADMIN: "province_admin",
    Role.NATIONAL_ADMIN: "national_admin",
    Role.PARTNER_INSURER: "insurer",
    Role.PARTNER_RENTAL: "rental",
    Role.PARTNER_EMPLOYER: "employer",
    Role.PARTNER_BANK: "bank",
    Role.PARTNER_AUTO_FINANCE: "auto_finance",
    Role.PARTNER_FINANCE_COMPANY: "finance_company",
    Role.PARTNER_COURIER: "courier",
    Role.PARTNER_COMMERCE: "commerce",
    Role.PARTNER_SCRAPPING: "scrapping",
    Role.PARTNER_DATA_SOURCE: "data_source",
}


def literal(type_, depth: int = 0) -> str:
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type, depth)
    if isinstance(type_, GraphQLList):
        return "[" + literal(type_.of_type, depth) + "]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLScalarType):
        return SCALARS.get(type_.name, '"x"')
    if isinstance(type_, GraphQLInputObjectType):
        parts = [
            f"{name}: {literal(field.type, depth + 1)}"
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
            and field.default_value is not None
            or isinstance(field.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(parts) + "}"
    raise TypeError(type_)


def call_document(schema: GraphQLSchema, root: str, field_name: str) -> str:
    """`query { field(requiredArg: ...) { __typename } }` with minimal literals."""
    root_type: GraphQLObjectType = schema.query_type if root == "Query" else schema.mutation_type  # type: ignore[assignment]
    field = root_type.fields[field_name]
    args = [
        f"{name}: {literal(arg.type)}"
        for name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull)
    ]
    arg_text = f"({', '.join(args)})" if args else ""
    inner = field.type
    while isinstance(inner, (GraphQLNonNull, GraphQLList)):
        inner = inner.of_type
    selection = " { __typename }" if isinstance(inner, GraphQLObjectType) else ""
    keyword = "query" if root == "Query" else "mutation"
    return f"{keyword} {{ {field_name}{arg_text}{selection} }}"


def root_fields(schema: GraphQLSchema) -> list[tuple[str, str]]:
    out = [("Query", name) for name in schema.query_type.fields]  # type: ignore[union-attr]
    if schema.mutation_type:
        out += [("Mutation", name) for name in schema.mutation_type.fields]
    return out
