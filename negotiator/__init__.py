"""negotiator: a rules engine for negotiated autonomy.

Decides which powers and budgets a place could take on from central
government, and what accountability it must accept in return, following the
route-map of *Delivering a Localist Future* (2020 Public Services Trust, 2010).
"""

__version__ = "0.2.0"
