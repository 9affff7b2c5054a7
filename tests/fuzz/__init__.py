"""Hypothesis-generated bad input to every form, import and the survey response page."""
