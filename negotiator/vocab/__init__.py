"""The vocabulary: fact declarations, place profiles as dated histories, the whole-England set, and the
geography footprint facts are computed from (`geo`, `footprint_facts`)."""
