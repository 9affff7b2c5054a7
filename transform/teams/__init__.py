"""The org tree shared by every programme, and how each programme impacts it."""
