"""Business gauges of verification, read from its database at scrape time: cases per state and how long
the oldest has waited in it (a stuck queue shows as a growing age), and cases per province of their office."""
from ektp_shared.metrics import ProvinceGauges, StateGauges

from .models import Case
from .rules.states import FINAL, CaseState

CASES = StateGauges(
    count=("ektp_cases", "Verification cases in each state."),
    oldest=("ektp_case_oldest_seconds", "Time the longest-waiting case has been in each open state."),
    label="state", state_column=Case.state, since_column=Case.state_since,
    states=tuple(state.value for state in CaseState), open_states=frozenset(s.value for s in CaseState if s not in FINAL))
BY_PROVINCE = ProvinceGauges("ektp_province_cases", "Verification cases per province of their office, in each state.",
                             state_column=Case.state, office_column=Case.office_code,
                             states=tuple(state.value for state in CaseState))
