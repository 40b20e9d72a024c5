-- The coordinator's own analysis per tertial (analysis/<period>.md), for the configured
-- municipalities. Grain: (kommun_code, period). The file it came from is raw.coordinator_analysis's
-- _source_file; it is left out here because it names the data dir's layout (kommuner/<folder>/ in a
-- region), and a municipality's marts are the same alone and in a region.
select
    analysis.kommun_code,
    analysis.period,
    analysis.analysis_markdown
from {{ ref('stg_actions__analysis') }} as analysis
inner join {{ ref('stg_config__municipality') }} using (kommun_code)
