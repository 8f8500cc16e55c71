from biometrics.models import metadata
from biometrics.service import SERVICE
from ektp_shared.migrations import run_migrations

run_migrations(metadata, SERVICE)
