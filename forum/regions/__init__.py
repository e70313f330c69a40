"""Regions of the programme and the organisations that belong to them."""
