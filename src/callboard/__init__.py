"""Callboard: contact-center performance management."""
