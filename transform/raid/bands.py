"""How a RAID item's severity × likelihood score reads: low, medium or high."""

#: Scores from here up are high: the overview, the reports and the heat map agree.
HIGH_RISK_SCORE = 12
#: Scores from here up are medium.
MEDIUM_RISK_SCORE = 5


def score_band(score: int) -> str:
    """The heat-map band of a severity × likelihood score: low, medium or high."""
    if score >= HIGH_RISK_SCORE:
        return "high"
    if score >= MEDIUM_RISK_SCORE:
        return "medium"
    return "low"
