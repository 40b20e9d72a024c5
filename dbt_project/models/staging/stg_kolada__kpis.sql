-- Kolada KPI titles (raw.kolada_kpis); every loaded file's rows.
select
    kpi_id,
    title as kpi_title,
    fetched_at,
    _loaded_at as loaded_at,
    _source_file as source_file
from {{ source('raw_reference', 'kolada_kpis') }}
