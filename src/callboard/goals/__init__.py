"""goals (see DESIGN.md)."""
