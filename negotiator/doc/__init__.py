"""`negotiator doc`: a rule pack as a rulebook people can read and sign off (HTML site and Markdown), and
what changed between two versions of a pack (`doc --diff`).

book.py builds the rulebook from the built pack (pure); inputs.py reads what lies beside the pack (its
description, policy cases, counterparts); render.py lays it out; diff.py compares two rulebooks.
"""
