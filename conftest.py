# The project's shared pytest fixtures (real PostgreSQL/RabbitMQ/S3 runtimes, SeaweedFS) live in the platform library.
pytest_plugins = ["ektp_shared.testing.fixtures"]
