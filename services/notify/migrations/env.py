from ektp_shared.migrations import run_migrations
from notify.models import metadata
from notify.service import SERVICE

run_migrations(metadata, SERVICE)
