-- Rows of the shared sources that belong to a municipality outside the data dir (not
-- configured: no municipality.yaml in it), or to no municipality we can name. They stay
-- in raw and staging and reach no indicator or mart (except the BRÅ reference table,
-- whose other municipalities are the county comparison); the quality report counts them.
--
-- police_events: events (the version that counts, one per event id) whose place is not a
-- configured municipality; an unrecognised place (a county, "Uppsala län") has kommun_code
-- null and its name as written.
-- police_bra: BRÅ rows (one per municipality and year) of other municipalities, and names
-- matching none; the national row is not a municipality's and is not counted.
-- police_local: extract rows (as loaded) whose Kommun column names another municipality.
with configured as (
    select kommun_code from {{ ref('stg_config__municipality') }}
),

kommuner as (
    select kommun_code, kommun_name from {{ ref('kommuner') }}
),

outside as (
    select 'police_events' as source_kind, kommun_code, municipality_name as name_in_source
    from {{ ref('int_police_events') }}
    where kommun_code is null or kommun_code not in (select kommun_code from configured)

    union all

    select 'police_bra', kommun_code, kommun_in_file
    from {{ ref('int_police_reported_by_kommun') }}
    where not is_national
        and (kommun_code is null or kommun_code not in (select kommun_code from configured))

    union all

    select 'police_local', kommun_code, kommun_text
    from {{ ref('stg_police_local__reported_crimes') }}
    where kommun_code is null or kommun_code not in (select kommun_code from configured)
)

select
    outside.source_kind,
    outside.kommun_code,
    -- the seed's name for a known code; else the spelling of the source
    coalesce(kommuner.kommun_name, outside.name_in_source) as kommun_name,
    cast(count(*) as bigint) as row_count
from outside
left join kommuner using (kommun_code)
group by all
