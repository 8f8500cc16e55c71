from ektp_shared.migrations import run_migrations
from verification.models import metadata
from verification.service import SERVICE

run_migrations(metadata, SERVICE)
