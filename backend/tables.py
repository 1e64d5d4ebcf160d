"""The Core tables behind the models, for the queries that read across them (reports,
exports, evidence, counts, maps): one typed name per table, defined once."""

from typing import Any

from sqlalchemy import Table

from backend.auth.models import Device, User, UserVillage
from backend.exports.models import ExportLog
from backend.geo.models import Township, Village, VillagerGroup
from backend.records.models import (
    ChangeCounter,
    ConditionMap,
    Household,
    MapElement,
    Member,
    RecordConflict,
    RecordHistory,
    SpotCheck,
    Visit,
)
from backend.supervision.models import SpotCheckRound


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


HOUSEHOLD = _table(Household)
MEMBER = _table(Member)
VISIT = _table(Visit)
CONDITION_MAP = _table(ConditionMap)
MAP_ELEMENT = _table(MapElement)
SPOT_CHECK = _table(SpotCheck)
SPOT_CHECK_ROUND = _table(SpotCheckRound)
EXPORT_LOG = _table(ExportLog)
CONFLICT = _table(RecordConflict)
HISTORY = _table(RecordHistory)
CHANGE_COUNTER = _table(ChangeCounter)
USER = _table(User)
USER_VILLAGE = _table(UserVillage)
DEVICE = _table(Device)
VILLAGE = _table(Village)
TOWNSHIP = _table(Township)
VILLAGER_GROUP = _table(VillagerGroup)
