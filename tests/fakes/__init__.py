"""Local fakes of the external services (see README.md)."""
