"""A wave's raw responses: importing them from another survey tool, exporting them."""
