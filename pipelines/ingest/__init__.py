"""Ingest assets: load files from the data directory into raw.* and record audit.*."""
