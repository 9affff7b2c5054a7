"""KPIs: definitions, planned trajectories, actuals, status and the balanced scorecard."""
