from ektp_shared.migrations import run_migrations
from intake.models import metadata
from intake.service import SERVICE

run_migrations(metadata, SERVICE)
