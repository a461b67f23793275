"""How many online verifications of a credential a partner may make per minute: a setting each
e-credential measure declares (M01 e-driving licence, M13 e-vehicle licence) and reads with
`ctx.setting(MEASURE, PARTNER_VERIFICATIONS_PER_MINUTE.key, <the partner's province>)`."""

from __future__ import annotations

from core.plugin_api import SettingScope, SettingSpec, SettingType

PARTNER_VERIFICATIONS_PER_MINUTE = SettingSpec(
    "partner_verifications_per_minute",
    600,
    "Online verifications per partner and minute; read for the province the partner is "
    "registered in (PartnerOrg.province_code), so no city values.",
    type=SettingType.INT,
    unit="per minute",
    minimum=1,
    maximum=10_000_000,  # load tests raise it that far
    scope=SettingScope.PROVINCE,
)
