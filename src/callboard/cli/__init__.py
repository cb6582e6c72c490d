"""Callboard cli layer."""
