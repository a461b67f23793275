"""Error codes and rule references of M02 (二手车异地交易登记)."""

from __future__ import annotations


class Err:
    """Machine codes this plugin refuses with (besides the core's)."""

    VEHICLE_OUT_OF_SCOPE = "VEHICLE_OUT_OF_SCOPE"
    VEHICLE_NOT_TRANSFERABLE = "VEHICLE_NOT_TRANSFERABLE"
    NOT_CROSS_REGION = "NOT_CROSS_REGION"
    TRADE_CITY_NOT_ALLOWED = "TRADE_CITY_NOT_ALLOWED"
    WRONG_CHANNEL = "WRONG_CHANNEL"
    PILOT_PAIR_REQUIRED = "PILOT_PAIR_REQUIRED"
    SAME_OWNER = "SAME_OWNER"
    NO_DOMICILE = "NO_DOMICILE"
    OPEN_TRANSFER_EXISTS = "OPEN_TRANSFER_EXISTS"
    NOT_INSPECTED = "NOT_INSPECTED"
    WRONG_STATE = "WRONG_STATE"
    ARCHIVE_RETURN_FORBIDDEN = "ARCHIVE_RETURN_FORBIDDEN"
    PLATE_TAKEN = "PLATE_TAKEN"


class Rule:
    """Seed clauses (2021 item 二) quoted briefly; every refusal names one."""

    SCOPE = "M02 2021-二-一-1: 该措施适用于非营运小型、微型载客汽车二手车交易登记"
    TRADE_CITY = "M02 2021-二-一-2: 可自主选择在机动车登记地（转出地）或者现机动车所有人住所地（转入地）进行交易"
    ONE_STEP = "M02 2021-二-一-3: 由转入地车辆管理所直接办理车辆查验、登记"
    ARCHIVE_ONLINE = "M02 2021-二-一-4: 机动车档案资料实行电子化网上转递"
    CHANNEL = "M02 2021-二-一-5: 在转入地交易的，可以通过互联网平台或者向转入地车辆管理所申请；在转出地交易的，向转出地车辆管理所申请"
    PILOT_PAIR = "M02 2021-二-二-1: 试点期间，仅在试点地方之间办理二手车异地交易登记适用该措施，其余仍按照原规定执行"
    INSPECTION_AV = "M02 2021-二-三-3: 落实查验全过程音视频记录留存要求"
    CONCENTRATION = "M02 2021-二-三-3: 加强异地集中转入、转出等异常业务研判分析核查"
    NO_RETURN = "M02 2021-二-四-1: 除属于被盗抢骗、走私、非法拼（组）装等嫌疑车辆的，转入地车辆管理所严禁退档"
    NO_PAPER = "M02 2021-二-四-2: 因试点地车辆管理所未收存实物档案资料，再次转出时，转入地车辆管理所不得因此退档"
    MORTGAGE_PAPER = "M10 2021-十-一: 已实现联网核查的……各地在转入时不得以没有纸质资料为由退档"
    STATUS = "M02 (机动车登记规定, not in the seed): 被盗抢、查封、注销的机动车不予办理转移登记"
