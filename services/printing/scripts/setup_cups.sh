#!/usr/bin/env bash
# CUPS with a cups-pdf queue shaped like a card printer (default page ISO/IEC 7810 ID-1), plus
# poppler's pdftoppm, for the printing tests. Idempotent: installs only what is missing, starts
# the scheduler only if it is not running, adds the queue only if it does not exist.
# Needs root (apt-get, cupsd, lpadmin). Prints key=value lines:
#   queue_uri=ipp://127.0.0.1:631/printers/QUEUE   where to send jobs
#   pdf_dir=DIR                                    where cups-pdf writes jobs of non-local users
#   started_cupsd=PID                              only when this run started the scheduler
set -euo pipefail

QUEUE="${EKTP_CUPS_QUEUE:-EKTP_PDF}"
PPD=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
CARD_PAGE="Custom.85.6x53.98mm"

missing=()
command -v cupsd >/dev/null || missing+=(cups)
command -v lpadmin >/dev/null || missing+=(cups-client)
command -v lpr >/dev/null || missing+=(cups-bsd)
[ -x /usr/lib/cups/backend/cups-pdf ] || missing+=(printer-driver-cups-pdf)
command -v ipptool >/dev/null || missing+=(cups-ipp-utils)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages: ${missing[*]}; as root: apt-get update && apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 2
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A new machine's package lists are stale: refresh them before installing.
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! lpstat -r 2>/dev/null | grep -qx "scheduler is running"; then
    # No systemd here: run the scheduler in the foreground, detached from this script.
    mkdir -p /run/cups
    nohup cupsd -f >/dev/null 2>&1 &
    echo "started_cupsd=$!"
    for _ in $(seq 1 50); do
        lpstat -r 2>/dev/null | grep -qx "scheduler is running" && break
        sleep 0.2
    done
    lpstat -r | grep -qx "scheduler is running" || { echo "cupsd did not start" >&2; exit 1; }
fi

if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    # lpadmin warns that PPD drivers are deprecated; they still work in CUPS 2.4.
    lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P "$PPD" -o "PageSize=$CARD_PAGE" 2>/dev/null
fi
cupsenable "$QUEUE"
cupsaccept "$QUEUE"

pdf_dir=$(sed -n 's/^AnonDirName[[:space:]]\+//p' /etc/cups/cups-pdf.conf | tail -n 1)
echo "queue_uri=ipp://127.0.0.1:631/printers/$QUEUE"
echo "pdf_dir=${pdf_dir:-/var/spool/cups-pdf/ANONYMOUS}"
