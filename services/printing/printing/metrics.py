"""Printing's gauges, read from its database at scrape time so every process reports the same truth: cards
by state and the oldest in each open state, cards by document type (e-KTP, KIA) and state, print jobs by state, each printer's last reported status, each
office's blank-card stock, cards per province of their office."""
from __future__ import annotations

import datetime as dt

from prometheus_client.core import GaugeMetricFamily

from ektp_shared.db import utcnow
from ektp_shared.metrics import ProvinceGauges, ScrapeCollector, StateGauges
from ektp_shared.service import Runtime

from . import blank_cards, cards, policies, print_jobs, printers
from .models import Card
from .rules.states import CARD, CardState

# A printer whose last good answer is older than this many poll intervals counts as down.
STALE_POLLS = 3
CARDS = StateGauges(
    count=("ektp_cards", "Cards in printing in each state."),
    oldest=("ektp_card_oldest_in_state_seconds", "Time the longest-waiting card has been in each open state."),
    label="state", state_column=Card.state, since_column=Card.state_since,
    states=tuple(state.value for state in CardState), open_states=frozenset(s.value for s in CardState if s not in CARD.final))
BY_PROVINCE = ProvinceGauges("ektp_province_cards", "Cards per province of the office that prints and hands them over, in each state.",
                             state_column=Card.state, office_column=Card.office_code,
                             states=tuple(state.value for state in CardState))


def collector(runtime: Runtime) -> ScrapeCollector:
    def collect():
        settings = runtime.settings
        jobs = GaugeMetricFamily("ektp_print_jobs", "Print jobs by state.", labels=["state"])
        documents = GaugeMetricFamily("ektp_document_cards", "Cards per document type (ektp, kia) in each state.",
                                      labels=["document_type", "state"])
        up = GaugeMetricFamily("ektp_printer_up", "1 when the printer answered its last status poll and is online.",
                               labels=["printer"])
        ribbon = GaugeMetricFamily("ektp_printer_ribbon_remaining",
                                   "Prints left on the printer's ribbon (percent for IPP printers).", labels=["printer"])
        feeder = GaugeMetricFamily("ektp_printer_cards_in_feeder", "Blank cards in the printer's feeder.",
                                   labels=["printer"])
        stock = GaugeMetricFamily("ektp_card_stock", "Blank cards available at the office.", labels=["office"])
        threshold = GaugeMetricFamily("ektp_card_stock_low_threshold",
                                      "Stock at or below which the office prints first-time applicants only.",
                                      labels=["office"])
        stale_before = utcnow() - dt.timedelta(seconds=STALE_POLLS * settings.printer_poll_seconds)
        with runtime.uow() as uow:
            for state, count in print_jobs.counts_by_state(uow).items():
                jobs.add_metric([state], count)
            for (document_type, state), count in cards.counts_by_document_type(uow).items():
                documents.add_metric([document_type, state], count)
            for printer in printers.all_printers(uow):
                fresh = printer.polled_at is not None and printer.polled_at >= stale_before
                up.add_metric([printer.name], 1.0 if fresh and printer.online else 0.0)
                if printer.ribbon_remaining is not None:
                    ribbon.add_metric([printer.name], printer.ribbon_remaining)
                if printer.cards_in_feeder is not None:
                    feeder.add_metric([printer.name], printer.cards_in_feeder)
            for office, available in blank_cards.available_by_office(uow).items():
                stock.add_metric([office], available)
                threshold.add_metric([office], policies.policy_of(uow, office, settings).low_stock_threshold)
        return [jobs, documents, up, ribbon, feeder, stock, threshold]

    return ScrapeCollector(collect)
