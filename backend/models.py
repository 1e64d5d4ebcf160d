"""Imports every table so the metadata is complete (Alembic, the engine's users)."""


def import_all() -> None:
    from backend.auth import models as _auth  # noqa: F401
    from backend.exports import models as _exports  # noqa: F401
    from backend.geo import models as _geo  # noqa: F401
    from backend.records import registry
    from backend.supervision import models as _supervision  # noqa: F401

    # Every domain's record types (backend/<domain>/records.py) and their generated tables.
    registry.load()
