"""Callboard web layer."""
