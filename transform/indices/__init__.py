"""The index service: a wave's adoption and readiness figures per team, under anonymity,
as of a day; a team's history over waves; the wave whose results to show; the cache of
scored dashboards.

A shared layer below the features: the adoption dashboard, reports, the API, KPIs and
gate criteria all call it, and it imports no feature. The arithmetic is the scoring
core's; this package loads its inputs and applies disclosure control.
"""
