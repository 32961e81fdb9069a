"""What would it take: the cheapest moves that unlock a power, joining neighbours, facts to collect.

These build on the decisions (decide/); the advice layer (advice/) puts them beside an evaluation for the
commands, rounds and the web, and `negotiator unlock` asks them directly. Searches use
the plain-Python evaluator, which the differential tests find equal to durable-rules on every bundled place
and on sampled profiles (evidence, not a proof).
"""
