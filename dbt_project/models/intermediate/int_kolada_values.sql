-- Kolada's values of the total (gender T) per KPI, area and year, one row each: the newest fetch
-- wins (as int_scb_population), with the KPI's title from the newest /kpi answer that names it
-- (the id itself when none does).
with kpis as (
    select kpi_id, kpi_title
    from {{ ref('stg_kolada__kpis') }}
    qualify row_number() over (
        partition by kpi_id order by fetched_at desc nulls last, loaded_at desc, source_file desc
    ) = 1
),

newest as (
    select *
    from {{ ref('stg_kolada__values') }}
    where gender = 'T'
    qualify row_number() over (
        partition by kpi_id, area_id, year
        order by fetched_at desc nulls last, loaded_at desc, source_file desc
    ) = 1
)

select
    newest.kpi_id,
    coalesce(kpis.kpi_title, newest.kpi_id) as kpi_title,
    newest.area_id,
    newest.year,
    newest.value,
    newest.fetched_at,
    newest.source_file
from newest
left join kpis using (kpi_id)
