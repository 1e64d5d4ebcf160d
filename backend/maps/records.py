"""The condition map (民情地图) of a villager group and its elements, declared for the
record engine. Strokes, pins and labels are records of their own, so two phones drawing on
one map never conflict: the set of elements merges by itself."""

from typing import Annotated

from pydantic import Field

from backend.households.records import group_in_village
from backend.maps.geometry import MAX_ELEMENTS_PER_MAP, simplify_stroke
from backend.records.fields import Vocab, choice, integer, json_list, ref, text
from backend.records.models import DataSchema
from backend.records.registry import RecordType, declare

# Map units; a map is at most 10,000 wide, pins and labels ±100,000.
Coordinate = Annotated[int, Field(ge=-100_000, le=100_000)]

ELEMENT_KIND = Vocab(stroke="笔画", pin="农户标记", label="文字")
PEN = Vocab(road="道路", river="河流", house="房屋", note="标注")


class ConditionMapData(DataSchema):
    village_code: str = text("村", 12)
    group_code: str = text("村民组", 15)
    title: str = text("标题", 100, min_length=1)
    width: int = integer("宽度", ge=100, le=10_000, default=1000)
    height: int = integer("高度", ge=100, le=10_000, default=1000)


CONDITION_MAP = declare(
    RecordType(
        name="condition_map",
        label="民情地图",
        schema=ConditionMapData,
        village_field="village_code",
        immutable=frozenset({"village_code", "group_code"}),
        ref_checks=(group_in_village,),
        title=("title",),
        export=(),  # drawn, not tabulated: GET /maps/{id}.svg
    )
)


class MapElementData(DataSchema):
    map_id: str = ref("所属地图")
    kind: Annotated[str, ELEMENT_KIND] = choice("类型")
    pen: Annotated[str, PEN] | None = choice("笔")
    # A stroke's raw points, flattened [x0, y0, x1, y1, …] in map units; strokes longer
    # than backend/maps/geometry.MAX_STROKE_POINTS are simplified when stored.
    points: list[Coordinate] = json_list("笔画点", 20_000)
    x: int | None = integer("横坐标", ge=-100_000, le=100_000)
    y: int | None = integer("纵坐标", ge=-100_000, le=100_000)
    text: str | None = text("文字", 100)
    household_id: str | None = ref("标记的农户")


MAP_ELEMENT = declare(
    RecordType(
        name="map_element",
        label="地图元素",
        schema=MapElementData,
        parent=("condition_map", "map_id"),
        immutable=frozenset({"map_id", "kind"}),
        normalize=simplify_stroke,
        max_per_parent=MAX_ELEMENTS_PER_MAP,
        indexes=("map_id",),
        title=("kind", "text"),
        export=(),
    )
)

ConditionMap = CONDITION_MAP.model
MapElement = MAP_ELEMENT.model
