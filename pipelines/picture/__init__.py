"""The situational picture: assets that read marts and render the tertial reports."""
