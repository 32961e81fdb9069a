"""What would it take: what-if, the cheapest moves that unlock a power, joining neighbours, facts to collect.

These build on the decisions (decide/) and are used by the commands and the round reports. Searches use
the plain-Python evaluator, which the test suite proves equal to durable-rules.
"""
