"""Metrics of notify."""
from prometheus_client import Counter

MESSAGES = Counter("ektp_notifications_total", "Messages handed to a provider, by channel, provider and outcome.",
                   ["channel", "provider", "outcome"])
RECEIPTS = Counter("ektp_notification_receipts_total", "Delivery receipts from the SMSC, by outcome.", ["outcome"])
