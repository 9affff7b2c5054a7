"""Survey invitations by e-mail: a wave's roster, its message, sending and reminders."""
