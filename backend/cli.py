"""The ``minqing`` command: serve, migrate, demo, user add."""

import time
from typing import Annotated

import typer

from backend.config import get_settings

app = typer.Typer(help="Minqing 民情: offline-first field data for resident village cadres.")
user_app = typer.Typer(help="Manage user accounts.")
app.add_typer(user_app, name="user")
photos_app = typer.Typer(help="Visit photos' bytes in the media directory.")
app.add_typer(photos_app, name="photos")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    from backend import migrate as m

    m.upgrade(get_settings().database_url)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
) -> None:
    """Run the service with uvicorn (one process: SQLite has one writer anyway)."""
    import uvicorn

    settings = get_settings()
    if migrate_first:
        from backend import migrate as m

        m.upgrade(settings.database_url)
    uvicorn.run("backend.main:create_app", factory=True, host=host, port=port, log_level="info")


@app.command()
def demo(
    seed: int = 20161,
    villages: Annotated[int, typer.Option(help="villages in the county")] = 310,
    reset: Annotated[bool, typer.Option(help="empty the database first")] = True,
) -> None:
    """Build the deterministic demo county and its demo accounts."""
    from backend import migrate as m
    from backend.database import get_engine
    from backend.demo.generate import build_demo

    settings = get_settings()
    if settings.environment == "production" and reset:
        typer.echo(
            "error: `minqing demo` empties the database first; refusing in production. "
            "Set MINQING_ENVIRONMENT=demo (or development) for a demo county.",
            err=True,
        )
        raise typer.Exit(1)
    m.upgrade(settings.database_url)
    started = time.perf_counter()
    summary = build_demo(get_engine(), seed=seed, villages=villages, reset=reset)
    took = time.perf_counter() - started
    typer.echo(f"demo county built in {took:.1f}s: {summary}")


@app.command()
def indicators(
    county: Annotated[str, typer.Option(help="county code (default: the only one)")] = "",
    admin: Annotated[str, typer.Option(help="written as this admin (default: the first)")] = "",
) -> None:
    """Write the default 27 indicators of the village information base (小康信息库) for a
    county; those it has already (by code) are left as they are."""
    from backend.database import open_session
    from backend.villagebase.defaults import install, writer_for

    with open_session(write=True) as session:
        try:
            county_code, admin_id = writer_for(session, county or None, admin or None)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        from backend.timeutil import utcnow

        written = install(session, county_code, admin_id, utcnow())
        session.commit()
        typer.echo(f"county {county_code}: {written} indicators written")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help="cadre | supervisor | admin")],
    villages: Annotated[str, typer.Option(help="village codes, comma separated")] = "",
    townships: Annotated[str, typer.Option(help="township codes, comma separated")] = "",
    phone: Annotated[str, typer.Option()] = "",
    name: Annotated[str, typer.Option(help="display name")] = "",
    county: Annotated[str, typer.Option(help="county code (default: the only one)")] = "",
) -> None:
    """Create an account; a supervisor without --townships supervises the whole county."""
    from backend.auth.users import UserInput, create_user
    from backend.database import open_session

    with open_session(write=True) as session:
        try:
            user = create_user(
                session,
                UserInput(
                    username=username,
                    password=password,
                    role=role,
                    villages=[v for v in villages.split(",") if v],
                    townships=[t for t in townships.split(",") if t],
                    phone=phone,
                    display_name=name,
                    county_code=county or None,
                ),
            )
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        session.commit()
        typer.echo(f"created {user.role} {user.username} (id {user.id})")


@photos_app.command("check")
def photos_check(
    verify: Annotated[bool, typer.Option(help="rehash every stored file (slow)")] = False,
) -> None:
    """Every photo record has its bytes? Lists missing bytes and orphans; deletes nothing."""
    from backend.database import open_session
    from backend.models import import_all
    from backend.photos.check import check
    from backend.photos.service import store_of

    import_all()
    settings = get_settings()
    with open_session() as session:
        report = check(session, store_of(settings), verify=verify)
    typer.echo(f"media directory: {settings.media_path()}")
    typer.echo(f"photo records: {report.records}")
    for title, items in [
        ("records without their bytes", report.missing),
        ("stored bytes that do not hash to their name", report.corrupt),
        ("stored bytes no record names (orphans, kept)", report.orphans),
        ("uploads begun and not finished", report.partial),
    ]:
        typer.echo(f"{title}: {len(items)}")
        for item in items:
            typer.echo(f"  {item}")
    if not report.ok:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
