"""Demo data: a realistic, French-speaking sales organisation, generated from a seed."""
