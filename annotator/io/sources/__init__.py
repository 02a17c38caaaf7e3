"""Source files in, readable text out: one module per family of formats, the guarded worker process that reads them, and the batch import."""
