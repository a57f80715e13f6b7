"""The life of a dossier after its papers are read: reception, the front desk's forms, the working-day clock,
and (to come) the national statuses and transitions, supplements, assignment and the signed results."""
