"""The web pages of the front desk, the departments, the auditors and the public status page (to come: issue 13)."""
