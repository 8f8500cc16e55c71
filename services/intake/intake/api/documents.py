"""HTTP routes of documents for officers, through short-lived links the verification service signs."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from ektp_shared import logs
from ektp_shared.db import utcnow
from ektp_shared.service import Runtime
from ektp_shared.web.errors import ApiError

from .. import applications
from ..models import Document


def blueprint(runtime: Runtime) -> Blueprint:
    blp = Blueprint("documents", __name__, url_prefix="/v1/documents",
                    description="Documents for officers, through short-lived links the verification service signs.")

    @blp.route("/<document_id>", methods=["GET"])
    @blp.doc(summary="A document's content; needs a short-lived signed link (`expires`, `signature`).",
             responses={200: {"description": "The document as uploaded", "content": {"application/octet-stream": {}}}})
    def content(document_id: str):
        if not runtime.links.verify(request.path, request.args.get("expires"), request.args.get("signature")):
            raise ApiError(403, "link_invalid", "the link is missing, expired or not signed", field="signature",
                           location="query")
        now = utcnow()
        with runtime.uow() as uow:
            document = uow.session.get(Document, document_id)
            if document is None:
                raise ApiError(404, "not_found", "no document has this id", field="document_id", location="path")
            logs.correlation_id.set(document.application_id)
            data = runtime.objects.get(document.object_key)
            applications.record_access(uow, document.application_id, "officer-link", f"document:{document.kind}", now)
            uow.commit()
            return Response(data, mimetype=document.content_type, headers={"Cache-Control": "no-store"})

    return blp
