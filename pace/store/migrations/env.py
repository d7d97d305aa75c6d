"""Alembic environment for the PACE stores; run through pace.store.migrate, which passes the
connection and the store's target metadata in `config.attributes`."""

from alembic import context

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through pace.store.migrate, which connects")

context.configure(connection=connection,
                  target_metadata=config.attributes.get("target_metadata"),
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
