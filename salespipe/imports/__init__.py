"""Bringing records in (SPEC X5): accounts, contacts and opportunities from CSV or XLSX files,
another CRM's exports included, each row through the services a user typing it would go
through."""
