"""ektp_shared — the platform library of the e-KTP services (see README.md, "The platform library")."""
