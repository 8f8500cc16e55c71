"""The body of every service's Alembic ``env.py``: the URL comes from the service's settings (or from
the caller, when a test or the launcher migrates programmatically); SQLite gets batch mode so ALTERs work."""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine, pool

from .service import ServiceSpec
from .settings import DEVELOPMENT


def database_url(spec: ServiceSpec) -> str:
    """Migrations read only the database URL: the secrets guard is for the processes that use the secrets
    (a migration Job gets none of them)."""
    import os

    return spec.load_settings({**os.environ, **DEVELOPMENT}).database_url


def run_migrations(metadata: MetaData, spec: ServiceSpec) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or database_url(spec)
    options = {"target_metadata": metadata, "render_as_batch": url.startswith("sqlite"), "compare_type": True}
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """``python -m ektp_shared.migrations <service> <alembic command...>``, e.g. ``intake upgrade head`` or
    ``intake revision --autogenerate -m "add x"``; the URL comes from the service's settings."""
    import sys

    from alembic.config import CommandLine

    from .db import alembic_config
    from .service import discover

    args = sys.argv[1:] if argv is None else argv
    found = discover(args[0]) if args else {}
    if not found:
        raise SystemExit("usage: python -m ektp_shared.migrations <service> <alembic command>")
    spec = found[args[0]]
    cli = CommandLine(prog=f"migrations {spec.name}")
    options = cli.parser.parse_args(args[1:])
    cli.run_cmd(alembic_config(spec.migrations_dir, database_url(spec)), options)


if __name__ == "__main__":
    main()
