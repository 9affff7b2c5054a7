"""Benefits realisation: initiatives, their stage decisions and value, beside adoption."""
