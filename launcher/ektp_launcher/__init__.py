"""Run the whole suite on one machine. Not a service: it only starts them (found by entry point)."""
