-- The coordinator's own analysis per tertial (analysis/<period>.md), for the configured
-- municipalities. Grain: (kommun_code, period).
select
    analysis.kommun_code,
    analysis.period,
    analysis.analysis_markdown,
    analysis.source_file
from {{ ref('stg_actions__analysis') }} as analysis
inner join {{ ref('stg_config__municipality') }} using (kommun_code)
