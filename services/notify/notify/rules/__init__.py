"""Notify's rules, free of I/O (no Flask, SQLAlchemy, broker or HTTP client; `make lint` checks it): the
states of a message, phone numbers as citizens write them, SMS encoding and splitting, the per-recipient
rate limit."""
