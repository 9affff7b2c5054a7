"""Signals one feature sends and another listens to, so neither imports the other."""

from blinker import Namespace

_signals = Namespace()

#: Sent with the Wave when it closes (by hand); invitations then delete its roster.
wave_closed = _signals.signal("wave-closed")
