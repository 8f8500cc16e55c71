"""Printing's rules, free of I/O (no Flask, SQLAlchemy, broker or HTTP client; `make lint` checks it): the
states of a card, a print job and a blank card; stock admission; printer rotation; retry back-off; pickup
(who may collect, when, reminders); the fields printed on a card; what can be wrong with one; the temporary
letter's number and validity; what a surat kuasa must be.

Naming: a rule is named by its noun in the singular here (rules/pickup.py); the use cases that act on the
records are named by the things they handle, in the plural, beside the package root (pickups.py)."""
