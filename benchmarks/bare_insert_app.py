"""The baseline of `intake_bench.py`: a bare Flask endpoint that does one SQLAlchemy insert per request,
served by the same gunicorn settings against the same PostgreSQL — what a submit costs with nothing of
ours in it (no validation, no encryption, no outbox).

    BARE_DATABASE_URL=postgresql+psycopg://... gunicorn -c python:ektp_shared.gunicorn_conf bare_insert_app:app

The benchmark creates the table (`metadata`) before gunicorn starts, so its workers do not race to.
"""
import datetime as dt
import os
import uuid

from flask import Flask, jsonify
from sqlalchemy import Column, DateTime, MetaData, String, Table, create_engine, insert

engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=5, pool_pre_ping=True)
metadata = MetaData()
submissions = Table("submissions", metadata, Column("id", String(36), primary_key=True),
                    Column("application_id", String(36)), Column("submitted_at", DateTime(timezone=True)))
app = Flask(__name__)


@app.post("/v1/applications/<application_id>/submit")
def submit(application_id: str):
    with engine.begin() as connection:
        connection.execute(insert(submissions).values(id=str(uuid.uuid4()), application_id=application_id,
                                                      submitted_at=dt.datetime.now(dt.timezone.utc)))
    return jsonify({"id": application_id, "status": "SUBMITTED"})
