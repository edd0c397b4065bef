"""Writes of the account flows. Each module is one flow; codes.py is shared by all of them."""
