"""Readers for every input format, and the importer that merges them into a store."""
