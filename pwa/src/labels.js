// Chinese names of the record fields and of their fixed choices (backend/records/models.py).

export const CHOICES = {
  poverty_category: {
    general: '一般贫困户',
    low_income: '低保户',
    extreme_poor: '特困供养户',
    marginal: '边缘易致贫户',
    non_poor: '非贫困户',
  },
  poverty_status: { not_out: '未脱贫', out: '已脱贫', monitored: '监测户' },
  causes: {
    illness: '因病',
    disability: '因残',
    schooling: '因学',
    no_funds: '缺资金',
    no_skills: '缺技术',
    no_labour: '缺劳力',
    other: '其他',
  },
  needs: {
    schooling: '上学',
    medical: '就医',
    jobs: '就业',
    housing: '住房',
    paperwork: '证件办理',
    other: '其他',
  },
  kind: { first_visit: '遍访', revisit: '回访', talk: '谈心谈话', policy: '政策宣讲', other: '其他' },
  relation: {
    head: '户主',
    spouse: '配偶',
    child: '子女',
    parent: '父母',
    grandchild: '孙子女',
    sibling: '兄弟姐妹',
    other: '其他',
  },
  sex: { male: '男', female: '女' },
  health: { healthy: '健康', chronic: '慢性病', serious: '大病', disabled: '残疾' },
  labour: { full: '有劳动力', partial: '弱劳动力', none: '无劳动力' },
  schooling: {
    none: '未上学',
    preschool: '学龄前',
    primary: '小学',
    junior: '初中',
    senior: '高中',
    college: '大专及以上',
    in_school: '在校生',
  },
};

export const FIELD = {
  head_name: '户主姓名',
  group_code: '村民组',
  village_code: '村',
  address: '住址',
  id_number: '身份证号',
  phone: '联系电话',
  poverty_category: '户类别',
  poverty_status: '脱贫状态',
  causes: '致贫原因',
  income_per_head: '人均纯收入(元)',
  pairing_cadre: '结对帮扶干部',
  relocated: '易地扶贫搬迁',
  relief_loan: '精扶贷',
  measures: '帮扶措施',
  remark: '备注',
  name: '姓名',
  relation: '与户主关系',
  sex: '性别',
  birth_date: '出生日期',
  health: '健康状况',
  labour: '劳动能力',
  schooling: '文化程度',
  kind: '走访类型',
  occurred_at: '走访时间',
  gps: '定位',
  notes: '走访记录',
  needs: '发现的需求',
  follow_up_on: '下次回访日期',
  // 电话抽查 (spot_check)
  reached: '电话接通',
  on_post: '在岗',
  back_on_post: '返岗',
  studied_documents: '传达学习上级文件',
  talks_held: '谈心谈话(次)',
  recent_work: '近期工作',
};

export const TYPE = { household: '户', member: '家庭成员', visit: '走访', condition_map: '民情地图', map_element: '地图元素', spot_check: '电话抽查' };

// A value as a person reads it.
export function show(field, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  const c = CHOICES[field];
  if (Array.isArray(v)) return v.length ? v.map((x) => (c && c[x]) || x).join('、') : '—';
  if (c) return c[v] || v;
  if (field === 'gps' && typeof v === 'object') {
    return `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}` + (v.accuracy_m != null ? ` ±${Math.round(v.accuracy_m)}米` : '');
  }
  if (field === 'occurred_at') return shortTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function maskId(id) {
  if (!id) return '';
  return id.length > 10 ? `${id.slice(0, 6)}********${id.slice(-4)}` : id;
}

export function shortTime(iso) {
  if (!iso) return '从未';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
