"""The side panels: documents, retrieved segments, details, coders, search across documents."""
