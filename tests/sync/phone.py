"""A simulated phone: makes ops the way the PWA does and pushes/pulls through a client."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import login


class Phone:
    def __init__(self, client: httpx.Client, username: str, device_id: str, skew_s: int = 0):
        self.client = client
        self.username = username
        self.device_id = device_id
        self.skew = timedelta(seconds=skew_s)
        self.headers = login(client, username, device_id)
        self.versions: dict[str, int] = {}

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def op(
        self,
        type_: str,
        record_id: str,
        set_: dict[str, Any] | None = None,
        *,
        base: int | None = None,
        unset: list[str] | None = None,
        delete: bool = False,
        recorded_at: datetime | None = None,
    ) -> dict[str, Any]:
        return {
            "op_id": str(uuid.uuid4()),
            "type": type_,
            "id": record_id,
            "base_version": base,
            "set": set_ or {},
            "unset": unset or [],
            "delete": delete,
            "recorded_at": (recorded_at or self.now()).isoformat(),
        }

    def push(self, ops: list[dict[str, Any]], batch_id: str | None = None) -> httpx.Response:
        body = {
            "device_id": self.device_id,
            "batch_id": batch_id or str(uuid.uuid4()),
            "device_time": self.now().isoformat(),
            "ops": ops,
        }
        return self.client.post("/api/v1/sync/push", json=body, headers=self.headers)

    def push_ok(self, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        r = self.push(ops)
        assert r.status_code == 200, r.text
        results: list[dict[str, Any]] = r.json()["results"]
        for res in results:
            if res["version"]:
                self.versions[res["id"]] = res["version"]
        return results

    def pull_all(
        self, cursor: str | None = None, limit: int = 500
    ) -> tuple[list[dict[str, Any]], str]:
        records: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = self.client.get("/api/v1/sync/pull", params=params, headers=self.headers)
            assert r.status_code == 200, r.text
            body = r.json()
            records += body["records"]
            cursor = body["cursor"]
            if not body["more"]:
                return records, cursor


def household(village: str, group: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "village_code": village,
        "group_code": group,
        "head_name": "杨光明",
        "id_number": "52062319650312052X",
        "poverty_status": "not_out",
        "causes": ["illness"],
        "income_per_head": 3200,
        **fields,
    }


def new_id() -> str:
    return str(uuid.uuid4())
