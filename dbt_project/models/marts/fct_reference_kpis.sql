-- Kolada's comparison figures (DATA-CONTRACT §7): one row per (area, KPI, year), the total
-- (gender T), for every configured municipality, its county and the country, under the code
-- Kolada gives them: the municipality's own code, 00 + the county's two digits (0003 Uppsala
-- län), 0000 for the country. Only the areas the data dir's municipalities compare with are
-- kept. Every value names the file it comes from and its fetch time.
with values as (
    select * from {{ ref('int_kolada_values') }}
),

municipalities as (
    select kommun_code, kommun_name from {{ ref('stg_config__municipality') }}
),

areas as (
    select kommun_code, kommun_name as area_name, 'kommun' as area_level from municipalities
    union
    select distinct '00' || left(municipalities.kommun_code, 2), kommuner.county_name, 'län'
    from municipalities
    inner join {{ ref('kommuner') }} as kommuner on kommuner.kommun_code = municipalities.kommun_code
    union
    select '0000', 'Riket', 'riket'
)

select
    areas.kommun_code,
    values.kpi_id,
    values.kpi_title,
    values.year,
    cast(values.value as double) as value,
    areas.area_level,
    areas.area_name,
    'Kolada' as source,
    values.source_file,
    values.fetched_at
from values
inner join areas on areas.kommun_code = values.area_id
