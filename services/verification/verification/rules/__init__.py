"""Verification's rules, free of I/O (no Flask, SQLAlchemy, broker or HTTP client; `make lint` checks it):
a case's states and who may move it, the automatic checks, offices and their slots, reason codes."""
