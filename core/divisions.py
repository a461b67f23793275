"""Administrative divisions (行政区划): provinces and the prefecture-level cities the platform knows.

Codes are the GB/T 2260 six-digit codes. A municipality's city code is its 市辖区 code (Beijing
110100). `kind` flags drive the seeds' rollout lists: municipalities, provincial capitals,
autonomous-region capitals and cities with independent planning status (计划单列市).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import Code, RuleError


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class City:
    code: str
    name: str
    name_en: str
    province_code: str
    municipality: bool = False
    capital: bool = False  # provincial capital or autonomous-region capital
    autonomous_region_capital: bool = False
    planning: bool = False  # 计划单列市

    @property
    def major(self) -> bool:
        """Municipality, provincial or autonomous-region capital, or independent-planning city."""
        return self.municipality or self.capital or self.planning


PROVINCES: dict[str, Province] = {
    p.code: p
    for p in [
        Province("110000", "北京市", "Beijing"),
        Province("120000", "天津市", "Tianjin"),
        Province("130000", "河北省", "Hebei"),
        Province("140000", "山西省", "Shanxi"),
        Province("150000", "内蒙古自治区", "Inner Mongolia"),
        Province("210000", "辽宁省", "Liaoning"),
        Province("220000", "吉林省", "Jilin"),
        Province("230000", "黑龙江省", "Heilongjiang"),
        Province("310000", "上海市", "Shanghai"),
        Province("320000", "江苏省", "Jiangsu"),
        Province("330000", "浙江省", "Zhejiang"),
        Province("340000", "安徽省", "Anhui"),
        Province("350000", "福建省", "Fujian"),
        Province("360000", "江西省", "Jiangxi"),
        Province("370000", "山东省", "Shandong"),
        Province("410000", "河南省", "Henan"),
        Province("420000", "湖北省", "Hubei"),
        Province("430000", "湖南省", "Hunan"),
        Province("440000", "广东省", "Guangdong"),
        Province("450000", "广西壮族自治区", "Guangxi"),
        Province("460000", "海南省", "Hainan"),
        Province("500000", "重庆市", "Chongqing"),
        Province("510000", "四川省", "Sichuan"),
        Province("520000", "贵州省", "Guizhou"),
        Province("530000", "云南省", "Yunnan"),
        Province("540000", "西藏自治区", "Tibet"),
        Province("610000", "陕西省", "Shaanxi"),
        Province("620000", "甘肃省", "Gansu"),
        Province("630000", "青海省", "Qinghai"),
        Province("640000", "宁夏回族自治区", "Ningxia"),
        Province("650000", "新疆维吾尔自治区", "Xinjiang"),
    ]
}


def _m(code: str, name: str, en: str) -> City:
    return City(code, name, en, code[:2] + "0000", municipality=True)


def _c(code: str, name: str, en: str, autonomous: bool = False) -> City:
    return City(
        code, name, en, code[:2] + "0000", capital=True, autonomous_region_capital=autonomous
    )


def _p(code: str, name: str, en: str) -> City:
    return City(code, name, en, code[:2] + "0000", planning=True)


def _o(code: str, name: str, en: str) -> City:
    return City(code, name, en, code[:2] + "0000")


CITIES: dict[str, City] = {
    c.code: c
    for c in [
        _m("110100", "北京市", "Beijing"),
        _m("120100", "天津市", "Tianjin"),
        _m("310100", "上海市", "Shanghai"),
        _m("500100", "重庆市", "Chongqing"),
        _c("130100", "石家庄市", "Shijiazhuang"),
        _o("130200", "唐山市", "Tangshan"),
        _o("130600", "保定市", "Baoding"),
        _c("140100", "太原市", "Taiyuan"),
        _o("140200", "大同市", "Datong"),
        _c("150100", "呼和浩特市", "Hohhot", autonomous=True),
        _o("150200", "包头市", "Baotou"),
        _c("210100", "沈阳市", "Shenyang"),
        _p("210200", "大连市", "Dalian"),
        _c("220100", "长春市", "Changchun"),
        _o("220200", "吉林市", "Jilin"),
        _c("230100", "哈尔滨市", "Harbin"),
        _c("320100", "南京市", "Nanjing"),
        _o("320200", "无锡市", "Wuxi"),
        _o("320300", "徐州市", "Xuzhou"),
        _o("320500", "苏州市", "Suzhou"),
        _c("330100", "杭州市", "Hangzhou"),
        _p("330200", "宁波市", "Ningbo"),
        _o("330300", "温州市", "Wenzhou"),
        _c("340100", "合肥市", "Hefei"),
        _o("340200", "芜湖市", "Wuhu"),
        _c("350100", "福州市", "Fuzhou"),
        _p("350200", "厦门市", "Xiamen"),
        _c("360100", "南昌市", "Nanchang"),
        _o("360400", "九江市", "Jiujiang"),
        _c("370100", "济南市", "Jinan"),
        _p("370200", "青岛市", "Qingdao"),
        _o("370300", "淄博市", "Zibo"),
        _o("370600", "烟台市", "Yantai"),
        _c("410100", "郑州市", "Zhengzhou"),
        _o("410300", "洛阳市", "Luoyang"),
        _c("420100", "武汉市", "Wuhan"),
        _o("420500", "宜昌市", "Yichang"),
        _c("430100", "长沙市", "Changsha"),
        _o("430200", "株洲市", "Zhuzhou"),
        _c("440100", "广州市", "Guangzhou"),
        _p("440300", "深圳市", "Shenzhen"),
        _o("440600", "佛山市", "Foshan"),
        _o("441900", "东莞市", "Dongguan"),
        _c("450100", "南宁市", "Nanning", autonomous=True),
        _o("450300", "桂林市", "Guilin"),
        _c("460100", "海口市", "Haikou"),
        _o("460200", "三亚市", "Sanya"),
        _c("510100", "成都市", "Chengdu"),
        _o("510700", "绵阳市", "Mianyang"),
        _c("520100", "贵阳市", "Guiyang"),
        _o("520300", "遵义市", "Zunyi"),
        _c("530100", "昆明市", "Kunming"),
        _o("530500", "保山市", "Baoshan"),
        _c("540100", "拉萨市", "Lhasa", autonomous=True),
        _c("610100", "西安市", "Xi'an"),
        _o("610300", "宝鸡市", "Baoji"),
        _c("620100", "兰州市", "Lanzhou"),
        _c("630100", "西宁市", "Xining"),
        _c("640100", "银川市", "Yinchuan", autonomous=True),
        _c("650100", "乌鲁木齐市", "Urumqi", autonomous=True),
    ]
}

_BY_NAME: dict[str, City] = {}
for _city in CITIES.values():
    _BY_NAME[_city.name] = _city
    _BY_NAME[_city.name.removesuffix("市")] = _city
    _BY_NAME[_city.name_en.lower()] = _city


def city(code: str, field: str = "city") -> City:
    """The city with this code, or a typed UNKNOWN_CITY refusal naming `field`."""
    found = CITIES.get(code) if isinstance(code, str) else None
    if found is None:
        raise RuleError(Code.UNKNOWN_CITY, f"Unknown city code {str(code)[:12]!r}.", field=field)
    return found


def province(code: str, field: str = "province") -> Province:
    found = PROVINCES.get(code) if isinstance(code, str) else None
    if found is None:
        raise RuleError(
            Code.UNKNOWN_CITY, f"Unknown province code {str(code)[:12]!r}.", field=field
        )
    return found


def city_by_name(name: str) -> City:
    """Look a city up by Chinese name (with or without 市) or English name."""
    found = _BY_NAME.get(name) or _BY_NAME.get(name.lower())
    if found is None:
        raise KeyError(name)
    return found


def cities_of(province_code: str) -> list[City]:
    return [c for c in CITIES.values() if c.province_code == province_code]
