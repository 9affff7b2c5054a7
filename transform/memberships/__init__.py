"""Programme memberships: one package for the admin area's and the People tab's pages."""
