"""Footprints: which groupings of neighbouring councils could form a strategic authority.

- the data they read lives in the vocabulary, below every pack: `vocab/geo.py`, the bundled geography as
  a graph of councils (ONS adjacency and declared links), police force and fire authority areas, county
  areas and the strategic authorities of a date; `vocab/footprint_facts.py`, the footprint facts a pack
  can read (`footprint.*`), computed from a place's members as of a date, as `member_count` is.
- `judge`, `search`, `plan`: a footprint judged against a pack; contiguous groupings enumerated; a
  partition of the councils still outside an authority, solved with OR-Tools CP-SAT.
- `results`, `render`: typed results (pydantic) and their text, CSV and HTML.
"""
