"""The change load across all programmes: teams × months against what each can absorb."""
