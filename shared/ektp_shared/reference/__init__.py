"""Reference data shipped with the platform: Kemendagri region codes, e-KTP enumerations, application kinds."""
