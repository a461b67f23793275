"""Error codes and rule references of M11 (交强险信息在线核查)."""

from __future__ import annotations


class Err:
    ONLINE_CHECK_NOT_APPLICABLE = "ONLINE_CHECK_NOT_APPLICABLE"
    VEHICLE_ALREADY_REGISTERED = "VEHICLE_ALREADY_REGISTERED"


class Rule:
    """Seed clauses (2021 item 十一) quoted briefly."""

    CHECK = "M11 2021-十一: 办理机动车登记、核发检验合格标志时，车辆管理所网上核查机动车交强险信息，申请人无需提交纸质凭证"
    SCOPE = (
        "M11 2021-十一-一: 启用除摩托车、低速载货汽车、三轮汽车以外车型的机动车交强险信息在线核查"
    )
    FOUND = "M11 2021-十一-一: 核查到交强险信息的，群众可以免予提交交强险、车船税纸质凭证"
    NATIONWIDE = "M11 2021-十一-二: 6月1日起，各地要全部实现交强险信息在线核查"
    FEEDBACK = (
        "M11 2021-十一-三: 建立数据核查异常反馈机制……每周分析通报、协调解决核查失败数据的主要问题"
    )
