"""The citizens' portal: server-rendered pages, in Bahasa Indonesia first (English on request), where a
citizen signs in with a one-time code, applies for an e-KTP, uploads the documents, submits, keeps the
receipt, follows the status, answers a correction and reschedules the capture appointment — and where anyone
tracks an application with the receipt number and NIK.

The portal owns no data. Every page calls intake's public HTTP API with the citizen's bearer token, kept in
the portal's signed, HttpOnly session cookie; it imports only ``ektp_shared`` (reference data, settings,
observability), never a service's package.
"""
