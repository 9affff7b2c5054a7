"""The demo: two programmes at different stages, with logins for each role."""

from transform.demo.load import DemoSummary, database_is_empty, load_demo
from transform.demo.users import DEMO_LOGINS, DEMO_PASSWORD

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoSummary", "database_is_empty", "load_demo"]
