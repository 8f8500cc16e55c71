"""Intake's rules, free of I/O (no Flask, SQLAlchemy, broker or HTTP client; `make lint` checks it): the
citizen-facing stages and how events move them, the review before submission, the correction loop, receipt
numbers, and uploads checked by their content (documents, the 4x6 photo)."""
