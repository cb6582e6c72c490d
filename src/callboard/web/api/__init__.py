"""Callboard web/api layer."""
