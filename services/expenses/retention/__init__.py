"""The finance period's end (docs/privacy.md): a round's claims removed, on its
RetentionWorkflow's word."""
