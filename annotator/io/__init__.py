"""Import and export: files in, files out. Uses store, never SQL."""
