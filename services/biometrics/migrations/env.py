from ektp_shared.migrations import run_migrations
from biometrics.models import metadata
from biometrics.service import SERVICE

run_migrations(metadata, SERVICE)
