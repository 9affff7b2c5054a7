"""A programme's webhooks: the settings page where a PMO registers URLs for events."""
