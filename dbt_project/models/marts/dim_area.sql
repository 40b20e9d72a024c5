-- Areas of every configured municipality (an area id is unique only within its municipality:
-- grain (kommun_code, area_id)), their latest configured population, and the
-- 'okant' area of each municipality that collects rows whose place matches no area.
-- lat/lon: the area's point for the report's map (municipality.yaml; null when none given).
with names as (
    select * from {{ ref('stg_config__area_names') }} where is_primary
),

latest_population as (
    select *
    from {{ ref('stg_config__area_population') }}
    qualify row_number() over (partition by kommun_code, area_id order by year desc) = 1
),

areas as (
    select
        names.kommun_code,
        names.area_id,
        names.label as area_name,
        latest_population.population,
        latest_population.year as population_year,
        names.sort_order,
        names.lat,
        names.lon
    from names
    left join latest_population using (kommun_code, area_id)
),

unknown as (
    select
        kommun_code,
        '{{ var("unknown_area_id") }}' as area_id,
        'Okänt område' as area_name,
        cast(null as integer) as population,
        cast(null as integer) as population_year,
        10000 as sort_order,
        cast(null as double) as lat,
        cast(null as double) as lon
    from {{ ref('stg_config__municipality') }}
)

select area_id, area_name, population, population_year, kommun_code, sort_order, lat, lon from areas
union all
select area_id, area_name, population, population_year, kommun_code, sort_order, lat, lon from unknown
