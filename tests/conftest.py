"""Shared fixtures: real servers (nats-server, PostgreSQL) are provided by the plugins below."""

pytest_plugins = ["tests.plugins.nats", "tests.plugins.postgres"]
