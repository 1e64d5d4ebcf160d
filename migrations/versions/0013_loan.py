"""The 精扶贷 ledger: a loan per household and its dividends as records of their own; every
household marked ``relief_loan`` gets a loan record with what is known.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:36:08.695391
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# What a loan carried over from the yes/no flag is known to be: the scheme's terms (信合,
# three years, 4,000 yuan a year to the household, 1,000 to the collective), still lent.
# The amount, the date and the enterprise were never recorded: they stay empty (None, not
# a guessed 50,000) and the note asks the cadre to fill them in; the reports count such
# loans apart instead of adding a guess to a total.
CARRIED_OVER = {
    "amount": None,
    "lender": "rural_credit",
    "lent_on": None,
    "term_years": 3,
    "use": "pooled",
    "pooled_into": None,
    "dividend_per_year": 4000,
    "collective_per_year": 1000,
    "status": "lent",
    "repaid_on": None,
    "note": "由原“精扶贷”标记转来：贷款金额、放款日期、入股企业待补录",
}
MIGRATION_DEVICE = "migration-0013"
# The loan's id is derived from its household's: the same household always gets the same id
# (a re-run or a second database cannot make a second loan for it), and no phone's random
# UUID can collide with it.
LOAN_NAMESPACE = uuid.UUID("6c0a5f7e-3b8e-4d52-9a51-0e1f5c0d0013")
BATCH = 1000

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_record_cols = (
    sa.column("id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("deleted", sa.Boolean),
    sa.column("seq", sa.BigInteger),
    sa.column("village_code", sa.String),
    sa.column("has_conflict", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.Integer),
    sa.column("created_device", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("updated_by", sa.Integer),
    sa.column("updated_device", sa.String),
)


def _loans_from_flags() -> None:
    """A loan record, made as the store makes one (version 1, a change number from the
    counter, a history entry with op 'create', filed under the household's village), for
    every live household marked ``relief_loan``. The flag itself stays as it was."""
    bind = op.get_bind()
    household = sa.table(
        "household",
        sa.column("id", sa.String),
        sa.column("village_code", sa.String),
        sa.column("relief_loan", sa.Boolean),
        sa.column("deleted", sa.Boolean),
        sa.column("created_by", sa.Integer),
    )
    loan = sa.table(
        "loan",
        sa.column("household_id", sa.String),
        *(sa.column(f) for f in CARRIED_OVER),
        *_record_cols,
    )
    history = sa.table(
        "record_history",
        sa.column("type", sa.String),
        sa.column("record_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("data", _json),
        sa.column("deleted", sa.Boolean),
        sa.column("changed", _json),
        sa.column("village_code", sa.String),
        sa.column("op", sa.String),
        sa.column("op_id", sa.String),
        sa.column("user_id", sa.Integer),
        sa.column("device_id", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    counter = sa.table(
        "change_counter", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger)
    )
    # The writers' lock first (backend/sync/sequence.py): numbers in commit order.
    take = sa.select(counter.c.value).where(counter.c.id == 1)
    if bind.dialect.name != "sqlite":
        take = take.with_for_update()
    last = int(bind.execute(take).scalar_one())
    rows = bind.execute(
        sa.select(household.c.id, household.c.village_code, household.c.created_by)
        .where(household.c.relief_loan.is_(True), household.c.deleted.is_(False))
        .order_by(household.c.id)
    ).all()
    now = datetime.now(UTC)
    for start in range(0, len(rows), BATCH):
        loans, entries = [], []
        for hh_id, village, author in rows[start : start + BATCH]:
            last += 1
            loan_id = str(uuid.uuid5(LOAN_NAMESPACE, hh_id))
            data = {"household_id": hh_id, **CARRIED_OVER}
            loans.append(
                {
                    **data,
                    "id": loan_id,
                    "version": 1,
                    "deleted": False,
                    "seq": last,
                    "village_code": village,
                    "has_conflict": False,
                    "created_at": now,
                    "created_by": author,
                    "created_device": MIGRATION_DEVICE,
                    "updated_at": now,
                    "updated_by": author,
                    "updated_device": MIGRATION_DEVICE,
                }
            )
            entries.append(
                {
                    "type": "loan",
                    "record_id": loan_id,
                    "version": 1,
                    "data": data,
                    "deleted": False,
                    "changed": list(data),
                    "village_code": village,
                    "op": "create",
                    "op_id": None,
                    "user_id": author,
                    "device_id": MIGRATION_DEVICE,
                    "at": now,
                }
            )
        bind.execute(loan.insert(), loans)
        bind.execute(history.insert(), entries)
    bind.execute(sa.update(counter).where(counter.c.id == 1).values(value=last))


def upgrade() -> None:
    op.create_table(
        "loan",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("lender", sa.String(length=24), nullable=False),
        sa.Column("lent_on", sa.String(length=10), nullable=True),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("use", sa.String(length=24), nullable=False),
        sa.Column("pooled_into", sa.String(length=100), nullable=True),
        sa.Column("dividend_per_year", sa.Integer(), nullable=True),
        sa.Column("collective_per_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("repaid_on", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_device", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_device", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name=op.f("fk_loan_created_by_user")),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], name=op.f("fk_loan_updated_by_user")),
        sa.ForeignKeyConstraint(
            ["village_code"], ["village.code"], name=op.f("fk_loan_village_code_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan")),
    )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.create_index("ix_loan_household_id", ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_seq"), ["seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_village_code"), ["village_code"], unique=False)
        batch_op.create_index("ix_loan_village_seq", ["village_code", "seq"], unique=False)

    op.create_table(
        "loan_dividend",
        sa.Column("loan_id", sa.String(length=36), nullable=False),
        sa.Column("payee", sa.String(length=24), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.String(length=10), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.String(length=10), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_device", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_device", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_loan_dividend_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user.id"], name=op.f("fk_loan_dividend_updated_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["village.code"], name=op.f("fk_loan_dividend_village_code_village")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_dividend")),
    )
    with op.batch_alter_table("loan_dividend", schema=None) as batch_op:
        batch_op.create_index("ix_loan_dividend_loan_id", ["loan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loan_dividend_seq"), ["seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_loan_dividend_village_code"), ["village_code"], unique=False
        )
        batch_op.create_index("ix_loan_dividend_village_seq", ["village_code", "seq"], unique=False)

    _loans_from_flags()


def downgrade() -> None:
    history = sa.table("record_history", sa.column("type", sa.String))
    op.execute(history.delete().where(history.c.type.in_(["loan", "loan_dividend"])))
    with op.batch_alter_table("loan_dividend", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_dividend_village_seq")
        batch_op.drop_index(batch_op.f("ix_loan_dividend_village_code"))
        batch_op.drop_index(batch_op.f("ix_loan_dividend_seq"))
        batch_op.drop_index("ix_loan_dividend_loan_id")

    op.drop_table("loan_dividend")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_village_seq")
        batch_op.drop_index(batch_op.f("ix_loan_village_code"))
        batch_op.drop_index(batch_op.f("ix_loan_seq"))
        batch_op.drop_index("ix_loan_household_id")

    op.drop_table("loan")
