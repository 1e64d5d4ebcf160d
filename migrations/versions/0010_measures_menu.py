"""一户一策 measures deepened (helping unit, income a year, menu item, policy), the county's
assistance menu (扶贫套餐, a county-wide type), and every word of the households' old
``measures`` lists turned into a measure record: nothing lost.

Each converted measure is made the way the record store makes a record (backend/records/
store.py): a seq from the change counter (under its lock), version 1, a ``record_history``
row with op 'create', the household's village, and its author: the household's creator.
It is 'planned' (nobody wrote down how far it had got) and its kind is guessed from its
words (``guess_kind``; 'other' where no word says).

The household's ``measures`` column is then dropped, and the field with it: a family file
showing the old list beside the new records would be two plans that drift apart, and a
list kept read-only would still be a second answer to "what is planned for this family".
A deleted household's list is not converted: its words stay in its record_history rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:36:43
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
DEVICE = 'migration-0010'  # the created_device of converted measures: where they came from
CHUNK = 1000

# The kinds a measure's words point to, first match wins: the narrower words come first
# ("易地扶贫搬迁" is relocation, not housing; "助学贷款" is schooling, not finance; "产业分红"
# and "入股" are industry income, but "精扶贷" is the relief loan).
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ('relocation', ('搬迁', '移民', '安置')),
    ('education', ('教育', '助学', '雨露', '学费', '资助', '营养改善', '在校', '上学')),
    ('health', ('医', '健康', '大病', '慢性病', '门诊', '住院', '报销', '家庭医生')),
    ('finance', ('贷', '信贷', '贴息', '保险')),
    ('housing', ('危房', '住房', '房屋', '改厨', '改厕', '人饮', '饮水')),
    ('employment', ('就业', '务工', '岗位', '培训', '技能', '车间', '劳务', '护林员')),
    ('welfare', ('低保', '兜底', '特困', '五保', '养老', '残疾', '救助', '临时救助')),
    ('industry', (
        '产业', '养', '种', '牛', '羊', '猪', '鸡', '鸭', '鹅', '蜂', '鱼', '茶', '果', '桃',
        '菜', '苗', '菌', '药材', '烤烟', '合作社', '分红', '入股', '光伏', '电商',
    )),
)


def guess_kind(words: str) -> str:
    """The measure kind its words point to; 'other' where none does."""
    for kind, keys in KEYWORDS:
        if any(k in words for k in keys):
            return kind
    return 'other'


def measure_data(household_id: str, title: str) -> dict[str, Any]:
    """A converted measure's data in the store's canonical form (every field, JSON-normal),
    as the measure schema stood at this revision."""
    return {
        'household_id': household_id,
        'title': title,
        'kind': guess_kind(title),
        'menu_item_id': None,
        'owner': None,
        'helping_unit': None,
        'funds': None,
        'due_on': None,
        'status': 'planned',
        'done_on': None,
        'result': None,
        'income_per_year': None,
        'policy_id': None,
    }


household = sa.table(
    'household',
    sa.column('id', sa.String),
    sa.column('village_code', sa.String),
    sa.column('created_by', sa.Integer),
    sa.column('deleted', sa.Boolean),
    sa.column('measures', JSON),
)
counter = sa.table('change_counter', sa.column('id', sa.Integer), sa.column('value', sa.BigInteger))
history = sa.table(
    'record_history',
    sa.column('type', sa.String),
    sa.column('record_id', sa.String),
    sa.column('version', sa.Integer),
    sa.column('data', JSON),
    sa.column('deleted', sa.Boolean),
    sa.column('changed', JSON),
    sa.column('village_code', sa.String),
    sa.column('op', sa.String),
    sa.column('op_id', sa.String),
    sa.column('user_id', sa.Integer),
    sa.column('device_id', sa.String),
    sa.column('at', sa.DateTime(timezone=True)),
)
MEASURE_COLUMNS = (
    'household_id', 'title', 'kind', 'menu_item_id', 'owner', 'helping_unit', 'funds',
    'due_on', 'status', 'done_on', 'result', 'income_per_year', 'policy_id',
)
measure = sa.table(
    'measure',
    *(sa.column(c) for c in MEASURE_COLUMNS),
    sa.column('id', sa.String),
    sa.column('version', sa.Integer),
    sa.column('deleted', sa.Boolean),
    sa.column('seq', sa.BigInteger),
    sa.column('village_code', sa.String),
    sa.column('has_conflict', sa.Boolean),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('created_by', sa.Integer),
    sa.column('created_device', sa.String),
    sa.column('updated_at', sa.DateTime(timezone=True)),
    sa.column('updated_by', sa.Integer),
    sa.column('updated_device', sa.String),
)


def convert_lists() -> int:
    """Every word of every live household's list as a measure record; answers how many."""
    conn = op.get_bind()
    # The writers' lock first (backend/sync/sequence.py): numbers in commit order.
    lock = sa.select(counter.c.value).where(counter.c.id == 1)
    if conn.dialect.name != 'sqlite':
        lock = lock.with_for_update()
    last = int(conn.execute(lock).scalar_one())
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    hist: list[dict[str, Any]] = []
    done = 0
    houses = conn.execute(
        sa.select(household.c.id, household.c.village_code, household.c.created_by,
                  household.c.measures)
        .where(~household.c.deleted)
        .order_by(household.c.id)
    )
    for h in houses.mappings().all():
        for words in h['measures'] or []:
            title = str(words).strip()
            if not title:
                continue  # an empty line of the old text box says nothing
            data = measure_data(h['id'], title[:100])
            rid = str(uuid4())
            last += 1
            rows.append({
                **data, 'id': rid, 'version': 1, 'deleted': False, 'seq': last,
                'village_code': h['village_code'], 'has_conflict': False,
                'created_at': now, 'created_by': h['created_by'], 'created_device': DEVICE,
                'updated_at': now, 'updated_by': h['created_by'], 'updated_device': DEVICE,
            })
            hist.append({
                'type': 'measure', 'record_id': rid, 'version': 1, 'data': data,
                'deleted': False, 'changed': list(data), 'village_code': h['village_code'],
                'op': 'create', 'op_id': None, 'user_id': h['created_by'],
                'device_id': DEVICE, 'at': now,
            })
            if len(rows) >= CHUNK:
                done += _flush(conn, rows, hist)
    done += _flush(conn, rows, hist)
    conn.execute(sa.update(counter).where(counter.c.id == 1).values(value=last))
    return done


def _flush(conn: Any, rows: list[dict[str, Any]], hist: list[dict[str, Any]]) -> int:
    n = len(rows)
    if rows:
        conn.execute(measure.insert(), rows)
        conn.execute(history.insert(), hist)
    rows.clear()
    hist.clear()
    return n


def upgrade() -> None:
    op.create_table('menu_item',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('standard', sa.String(length=1000), nullable=True),
    sa.Column('eligible', sa.String(length=500), nullable=True),
    sa.Column('policy_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_device', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=False),
    sa.Column('updated_device', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_menu_item_created_by_user')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_menu_item_updated_by_user')),
    sa.ForeignKeyConstraint(['village_code'], ['county.code'], name=op.f('fk_menu_item_village_code_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_item'))
    )
    with op.batch_alter_table('menu_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_menu_item_seq'), ['seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_menu_item_village_code'), ['village_code'], unique=False)
        batch_op.create_index('ix_menu_item_village_seq', ['village_code', 'seq'], unique=False)

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('menu_item_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('helping_unit', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('income_per_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('policy_id', sa.String(length=36), nullable=True))

    convert_lists()

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('measures')


def downgrade() -> None:
    # The lists come back from the titles of the measures this revision made (their other
    # facts have no place in a list of words); the records themselves are left as they are.
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measures', JSON, nullable=False, server_default='[]'))
    conn = op.get_bind()
    lists: dict[str, list[str]] = {}
    live = conn.execute(
        sa.select(measure.c.household_id, measure.c.title)
        .where(~measure.c.deleted, measure.c.created_device == DEVICE)
        .order_by(measure.c.seq)
    )
    for hid, title in live:
        lists.setdefault(hid, []).append(title)
    for hid, titles in lists.items():
        conn.execute(
            sa.update(household).where(household.c.id == hid).values(measures=titles[:30])
        )

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('policy_id')
        batch_op.drop_column('income_per_year')
        batch_op.drop_column('helping_unit')
        batch_op.drop_column('menu_item_id')

    with op.batch_alter_table('menu_item', schema=None) as batch_op:
        batch_op.drop_index('ix_menu_item_village_seq')
        batch_op.drop_index(batch_op.f('ix_menu_item_village_code'))
        batch_op.drop_index(batch_op.f('ix_menu_item_seq'))

    op.drop_table('menu_item')
