"""What would it take: what-if, the cheapest moves that unlock a power, joining neighbours, facts to collect.

These build on the decisions (decide/) and are used by the commands and the round reports. Searches use
the plain-Python evaluator, which the differential tests find equal to durable-rules on every bundled place
and on sampled profiles (evidence, not a proof).
"""
