"""Questionnaire pages, by who uses them: answering (every respondent), the person, the
carer, staff, administration and the research area. Each view parses input, calls an
access function, calls a service and renders."""
