"""Callboard records layer."""
