"""Error codes and rule references of M10 (抵押信息在线核查)."""

from __future__ import annotations


class Err:
    NOT_FILED_NATIONALLY = "NOT_FILED_NATIONALLY"
    LICENCE_COPY_MISMATCH = "LICENCE_COPY_MISMATCH"
    PARTNER_NOT_ALLOWED = "PARTNER_NOT_ALLOWED"
    ALREADY_MORTGAGED = "ALREADY_MORTGAGED"
    NOT_MORTGAGED = "NOT_MORTGAGED"
    NOT_MORTGAGEE = "NOT_MORTGAGEE"
    VEHICLE_NOT_MORTGAGEABLE = "VEHICLE_NOT_MORTGAGEABLE"
    WRONG_KIND = "WRONG_KIND"


class Rule:
    """Seed clauses (2021 item 十) quoted briefly."""

    ONLINE = "M10 2021-十-一: 共享抵押、解除抵押信息，免予提交纸质资料；在机动车档案目录资料中备注“联网核查”"
    NO_RETURN = "M10 2021-十-一: 已实现联网核查的……各地在转入时不得以没有纸质资料为由退档"
    LICENCE_COPY = "M10 2021-十-二: 可提交加盖公章的营业执照复印件作为身份证明，免予提交主合同；公章可为电子印章"
    REGISTRY = "M10 2021-十-三: 将汽车金融公司、财务公司营业执照和公章影印件等信息统一录入综合应用平台，便于各地核对"
    NO_LOCAL_FILING = "M10 2021-十-三: 各地不得要求汽车金融公司、财务公司备案营业执照和公章式样"
    LENDERS = "M10 2021-十-一: 商业银行、汽车金融公司、财务公司等金融机构"
    ONE_MORTGAGE = (
        "M10 (机动车登记规定, not in the seed): 已抵押的机动车先解除抵押再办理新的抵押登记"
    )
    STATUS = "M10 (机动车登记规定, not in the seed): 注销、被盗抢的机动车不办理抵押登记"
