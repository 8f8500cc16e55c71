"""The chaos run (``make chaos``): a day's applications through the real profile while its broker, database,
workers, APIs and network fail, then proof that every application reached its end exactly once."""
