"""Organisation: sites, teams, users, roles, sign-in, the audit log."""
