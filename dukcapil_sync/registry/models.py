"""Registry tables (mock Dukcapil)."""
