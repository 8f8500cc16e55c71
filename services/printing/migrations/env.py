from ektp_shared.migrations import run_migrations
from printing.models import metadata
from printing.service import SERVICE

run_migrations(metadata, SERVICE)
