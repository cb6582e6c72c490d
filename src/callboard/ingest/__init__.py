"""Callboard ingest layer."""
