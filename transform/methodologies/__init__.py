"""Methodology templates: browse the built-in methods, define and copy custom ones."""
