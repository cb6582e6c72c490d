"""Callboard metrics layer."""
