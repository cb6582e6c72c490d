"""Callboard web/pages layer."""
