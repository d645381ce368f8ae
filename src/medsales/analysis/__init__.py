"""Questions about a policy and its results: what-if, policy checks, calibration."""
