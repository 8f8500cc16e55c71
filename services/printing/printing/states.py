"""The states of a card in printing, from the verified data to the handover."""

AWAITING_BIOMETRICS = "AWAITING_BIOMETRICS"  # verified data kept; printing waits for the enrolment
QUEUED_FOR_PRINT = "QUEUED_FOR_PRINT"  # a print job is queued or at a printer
PRINT_FAILED = "PRINT_FAILED"  # the job gave up (spoiled cards): an operator decides on a reprint
AWAITING_QC = "AWAITING_QC"  # printed; an operator inspects it before pickup is announced
READY_FOR_PICKUP = "READY_FOR_PICKUP"
AWAITING_CORRECTION = "AWAITING_CORRECTION"  # refused at pickup: reprinted once the data is corrected
COLLECTED = "COLLECTED"
