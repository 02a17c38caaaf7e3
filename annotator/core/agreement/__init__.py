"""Agreement between coders: coefficients over coded text, segments and units."""
