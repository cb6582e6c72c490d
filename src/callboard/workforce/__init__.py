"""workforce (see DESIGN.md)."""
