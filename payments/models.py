"""Models for this app arrive with its own issue; see DESIGN.md."""
