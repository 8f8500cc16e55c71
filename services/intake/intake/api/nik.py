"""HTTP route of NIK checks, for front ends and other services."""
from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ektp_shared.identity.nik import check_nik
from ektp_shared.service import Runtime

from ..schemas import NikValidateIn, NikValidateOut, today


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("nik", __name__, url_prefix="/v1/nik", description="NIK checks for front ends and other services.")

    @blp.route("/validate", methods=["POST"])
    @blp.arguments(NikValidateIn)
    @blp.response(200, NikValidateOut)
    @blp.doc(summary="Check a NIK: structure, region, date, serial; warnings where it disagrees with the entered "
                     "birth date or gender. An invalid NIK is a 200 with `valid: false`.")
    def validate(body: dict[str, Any]):
        return check_nik(body["nik"], today=today(), birth_date=body["birth_date"], gender=body["gender"]).as_dict()

    return blp
