"""The vocabulary: fact declarations, place profiles as dated histories, the whole-England set."""
