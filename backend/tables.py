"""The Core tables behind the models, for the queries that read across them (reports,
exports, evidence, counts, maps): one typed name per table, defined once."""

from typing import Any

from sqlalchemy import Table

from backend.auth.models import Device, User, UserVillage
from backend.exports.models import ExportLog
from backend.geo.models import Township, Village, VillagerGroup
from backend.households.records import HOUSEHOLD as _HOUSEHOLD, MEMBER as _MEMBER
from backend.maps.records import CONDITION_MAP as _CONDITION_MAP, MAP_ELEMENT as _MAP_ELEMENT
from backend.photos.records import PHOTO as _PHOTO
from backend.records.models import ChangeCounter, RecordConflict, RecordHistory
from backend.supervision.models import SpotCheckRound
from backend.supervision.records import SPOT_CHECK as _SPOT_CHECK
from backend.visits.records import VISIT as _VISIT


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


HOUSEHOLD = _HOUSEHOLD.table
MEMBER = _MEMBER.table
VISIT = _VISIT.table
PHOTO = _PHOTO.table
CONDITION_MAP = _CONDITION_MAP.table
MAP_ELEMENT = _MAP_ELEMENT.table
SPOT_CHECK = _SPOT_CHECK.table
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
