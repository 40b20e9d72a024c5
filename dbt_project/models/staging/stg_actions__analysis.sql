-- The coordinator's own analysis of a tertial (analysis/<period>.md), redacted Markdown.
-- None until the ingest asset has written raw.coordinator_analysis once.
{%- set analysis = source('raw_actions', 'coordinator_analysis') %}
{%- if execute and adapter.get_relation(analysis.database, analysis.schema, analysis.identifier) is none %}
select
    cast(null as varchar) as kommun_code, cast(null as varchar) as period, cast(null as varchar) as analysis_markdown,
    cast(null as varchar) as source_file
where false
{%- else %}
select
    kommun_code,
    period,
    analysis_markdown,
    _source_file as source_file
from {{ analysis }}
{%- endif %}
