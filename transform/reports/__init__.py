"""Reports and the charts that pages and PDFs share."""
