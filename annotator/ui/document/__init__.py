"""The document view: the text with its highlights, the coding margin, the context menu and the find bar."""
