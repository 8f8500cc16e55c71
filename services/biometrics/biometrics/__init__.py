"""The e-KTP biometrics service: capture, quality, templates, 1:1 verification and 1:N deduplication."""
import os

# Before numpy loads: the matcher's matrix products are small, and a second OpenBLAS thread doubled the
# CPU a match costs for no gain in speed (measured, docs/biometrics.md). An explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
