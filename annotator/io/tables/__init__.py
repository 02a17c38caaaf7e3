"""Tables in and out: the safe CSV reader and writer, and the codebook, coded-segments and audit-trail formats built on it."""
