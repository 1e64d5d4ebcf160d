"""Word lists the demo county is drawn from: names, places, measures and visit notes.

Everything here is invented (no real person or village), but shaped like the family files
of a county in eastern Guizhou: Dong and Miao surnames beside the common Han ones, village
names built from the landscape, an assistance menu like the ones counties printed.
"""

# Surnames with rough weights: the common Han ones plus those frequent in Dong/Miao areas.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("杨", 90), ("吴", 70), ("龙", 55), ("姚", 40), ("田", 45), ("张", 50), ("王", 45),
    ("李", 45), ("刘", 35), ("陈", 30), ("黄", 30), ("罗", 30), ("周", 25), ("蒲", 15),
    ("石", 25), ("潘", 25), ("胡", 20), ("何", 18), ("肖", 15), ("彭", 15), ("舒", 12),
    ("谢", 12), ("杜", 10), ("冉", 10), ("安", 10), ("邓", 12), ("袁", 10), ("付", 10),
    ("唐", 12), ("秦", 8), ("滕", 8), ("麻", 8), ("欧", 8), ("钟", 8), ("丁", 6),
    ("宋", 8), ("郑", 8), ("向", 8), ("雷", 6), ("文", 6),
)  # fmt: skip

# Given-name characters. Older people's names lean on the first list, younger on the second.
GIVEN_MALE_OLD = "国建明华军平勇志德金成忠林海荣贵富祥光福生春永学兴发正昌顺才仁义兵"
GIVEN_MALE_YOUNG = "浩宇轩杰涛鑫磊俊博文豪鹏飞晨睿凯阳辉波超亮帅锦宏泽"
GIVEN_FEMALE_OLD = "秀英兰芳梅珍凤玉琴丽霞燕红娟艳敏桂花翠云菊香莲妹"
GIVEN_FEMALE_YOUNG = "婷雪静欣怡佳慧颖倩琳萍璐瑶丹洁晶蕾悦雨诗涵梦"

# 19 townships: 3 sub-districts (街道), 10 towns (镇), 6 townships (乡), in code order.
TOWNSHIPS: tuple[str, ...] = (
    "清江街道", "溪口街道", "凤鸣街道",
    "石门镇", "龙塘镇", "新寨镇", "茶坪镇", "大湾镇", "铜鼓镇", "桃源镇", "马场镇",
    "青岗镇", "白岩镇",
    "高枧乡", "木林乡", "响水乡", "岩脚乡", "中和乡", "瓦寨乡",
)  # fmt: skip

# Village names: a landscape word + a place word + 村 (龙井村, 桐木坪村 …).
VILLAGE_FIRST = (
    "茅", "龙", "桐", "新", "大", "小", "上", "下", "黄", "石", "杨", "高", "田", "岩",
    "青", "白", "马", "牛", "鸡", "竹", "松", "枫", "茶", "梨", "桃", "李", "柳", "水",
    "金", "银", "红", "凉", "长", "平", "坪", "凤", "鹅", "羊", "猫", "塘", "老", "中",
)  # fmt: skip
VILLAGE_SECOND = (
    "坡", "井", "木", "店", "湾", "坝", "寨", "冲", "溪", "坪", "岭", "山", "屯", "塘",
    "桥", "坳", "沟", "场", "田", "湖", "洞", "庄", "园", "林", "口", "门", "家", "堡",
)  # fmt: skip

RESETTLEMENT_SITES = ("清江易地扶贫搬迁安置点", "溪口新区安置点", "凤鸣安置小区")

# 扶贫套餐: the assistance menu a household's 一户一策 measures are picked from, each with
# the quantities a plan would name.
INDUSTRY_MEASURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("养牛", ("1头", "2头", "3头")),
    ("养猪", ("2头", "5头", "10头")),
    ("林下养鸡", ("50羽", "100羽", "200羽")),
    ("养鹅", ("30羽", "60羽")),
    ("养蜂", ("5箱", "10箱")),
    ("茶苗", ("2亩", "3亩", "5亩")),
    ("油茶", ("3亩", "5亩")),
    ("黄桃", ("2亩", "4亩")),
    ("精品水果", ("2亩", "3亩")),
    ("食用菌", ("5000棒", "1万棒")),
    ("中药材", ("2亩", "3亩")),
    ("稻田养鱼", ("2亩", "3亩")),
)
MEASURES_BY_CAUSE: dict[str, tuple[str, ...]] = {
    "illness": ("医疗救助", "大病保险报销", "家庭医生签约", "慢性病门诊补助"),
    "disability": ("残疾人两项补贴", "低保兜底", "公益性岗位"),
    "schooling": ("教育资助（雨露计划）", "助学贷款", "营养改善计划"),
    "no_funds": ("精扶贷", "产业分红", "小额信贷贴息"),
    "no_skills": ("技能培训", "外出务工推荐", "就业帮扶车间"),
    "no_labour": ("低保兜底", "特困供养", "光伏收益分配"),
    "other": ("危房改造", "产业分红", "生态护林员"),
}
RELIEF_LOAN_MEASURE = "精扶贷5万元（入股分红每年4000元，3年）"
RELOCATION_MEASURE = "易地扶贫搬迁"

HOUSEHOLD_REMARKS = (
    "户主常年在外务工，联系电话为家属",
    "家中有在校大学生",
    "已纳入农村低保",
    "房屋为新建砖混结构",
    "子女在县城务工，老人留守",
    "参加合作社，土地已流转",
    "2025年新识别监测对象",
    "饮水已通自来水",
    "申请危房改造，待验收",
)

# Visits: what was looked at and what was agreed, composed into short notes.
VISIT_OPENINGS = {
    "first_visit": ("遍访入户，核实家庭成员和收入情况", "首次入户，建立一户一策台账"),
    "revisit": ("回访，查看帮扶措施落实情况", "回头看，核对收入和两不愁三保障"),
    "talk": ("与户主谈心谈话，了解思想动态", "院坝会后入户交流"),
    "policy": ("宣讲医保、教育资助和产业扶持政策", "讲解精扶贷和产业分红政策"),
}
VISIT_FINDINGS = (
    "家中饮水安全，住房安全",
    "医保已缴费，家庭医生已签约",
    "子女在校就读，资助已到位",
    "牛已出栏2头，收入增加",
    "茶苗长势良好，已追肥",
    "鸡苗成活率较低，需技术指导",
    "户主在外务工，与家属通话了解情况",
    "老人慢性病需定期购药",
    "有意愿参加技能培训",
    "房屋漏雨，需修缮",
)
VISIT_AGREED = (
    "下次回访核实落实情况",
    "已联系镇卫生院上门服务",
    "协助办理残疾证",
    "联系合作社收购农产品",
    "推荐到就业帮扶车间务工",
    "已向村委报告，纳入下月议事",
    "",
)
NEEDS_BY_CAUSE: dict[str, tuple[str, ...]] = {
    "illness": ("medical",),
    "disability": ("medical", "paperwork"),
    "schooling": ("schooling",),
    "no_funds": ("jobs", "other"),
    "no_skills": ("jobs",),
    "no_labour": ("housing", "medical"),
    "other": ("housing", "paperwork", "other"),
}
