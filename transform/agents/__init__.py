"""The change agent network of a programme: who covers which impacted team."""
