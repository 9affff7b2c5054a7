"""The RAID log of a programme: risks, assumptions, issues and dependencies."""
