"""Survey instruments: the built-in ADKAR pulse and readiness survey, custom instruments."""
