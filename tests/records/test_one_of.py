"""``one_of`` (backend/records/bulk.py): ``column IN values`` bound as one parameter, on the
engine under test: the same rows as ``column.in_(values)``, whatever the strings hold."""

from sqlalchemy import Column, MetaData, String, Table, insert, select

from backend.database import get_engine
from backend.records.bulk import one_of

# What an array literal or a JSON text would have to escape: quotes, backslashes, braces,
# commas, spaces, NULL spelled out, Chinese.
ODD = ['a"b', "a\\b", "{x,y}", "a b", "NULL", "村民组,一", "'", "[1]"]


def test_one_of_finds_exactly_the_values_given(db: str) -> None:
    table = Table("one_of_probe", MetaData(), Column("code", String(20), primary_key=True))
    engine = get_engine()
    table.create(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(table), [{"code": c} for c in [*ODD, "plain", "other"]])
            for wanted in ([*ODD, "absent"], ["plain"], ["nothing here"], []):
                found = conn.execute(select(table.c.code).where(one_of(table.c.code, wanted)))
                expected = conn.execute(select(table.c.code).where(table.c.code.in_(wanted)))
                assert sorted(r[0] for r in found) == sorted(r[0] for r in expected)
            # One statement for any number of values: the second lookup's SQL is the first's.
            sqls = [
                str(select(table.c.code).where(one_of(table.c.code, v)).compile(engine))
                for v in (["a"], ["a", "b", "c"])
            ]
            assert sqls[0] == sqls[1]
            if conn.dialect.name == "sqlite":
                # Looked up in the key's index, not by reading the table: a boolean-typed
                # expression was rendered "(… IN …) = 1" on SQLite, which no index serves.
                lookup = select(table).where(one_of(table.c.code, ["plain"])).compile(conn)
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}", ('["plain"]',)).all()
                assert any(r[3].startswith("SEARCH one_of_probe") for r in plan), plan
    finally:
        table.drop(engine)
