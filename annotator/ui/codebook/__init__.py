"""The codebook tree: its Qt model over the store's codes, the panel and its dialogs."""
