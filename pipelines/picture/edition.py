"""The two editions of a report (DATA-CONTRACT §4.2): the public one (`offentlig`, the default)
and, with LAGESBILD_INTERNAL=on, the internal one under <period>/intern/, which every page marks."""

INTERNAL_MARKING = "Internt arbetsmaterial – får inte spridas"
