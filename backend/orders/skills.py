"""The skills a party member offers (专业特长) and a branch's item asks for; suggestions of
who could claim an order match the two. Here, apart from the declarations, because the
member type (backend/households/records.py) names them too."""

from backend.records.fields import Vocab

SKILL = Vocab(
    crops="种植技术",
    fruit_tea="果茶种植",
    livestock="畜牧养殖",
    poultry="家禽养殖",
    bees="中蜂养殖",
    machinery="农机操作",
    repair="建房维修",
    transport="运输物流",
    sales="电商销售",
    labour="务工介绍",
    health="医疗护理",
    tutoring="学习辅导",
    policy="政策咨询",
    finance="信贷办理",
    care="生活照料",
)
SKILLS_MAX = 5
