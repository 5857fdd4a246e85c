"""The retention schedule's part in the applications service (docs/privacy.md): what a
round's RetentionWorkflow is started with, and the erasures it asks for."""
