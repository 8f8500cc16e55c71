"""Biometrics' rules, free of I/O (no Flask, SQLAlchemy, broker or HTTP client; `make lint` checks it): the
states of an enrolment and what a 1:1 face result means for it. The matching algorithms themselves are the
engine package, a pure library under the same contract."""
