-- Every loaded version of every police event, its title parsed, ranked per event id
-- (DATA-CONTRACT §2.4): version_rank 1 is the version that counts.
--
-- Event time: the one in `name` ("DD månad HH.MM, Typ, Plats", no year; older records
-- HH:MM) with the year of the publication time, moved back a year when the named day
-- lies more than a week after publication (published 1 January about 31 December).
-- Municipality: the last comma part of `name` (a county, "Uppsala län", for county-wide
-- events).
-- Version: the newest `datetime` (as a moment, offset applied) wins, whatever the order
-- the files were loaded in; ties -> later loaded, later source file, later source row.
with events as (
    select * from {{ ref('stg_polisen__events') }}
),

calendar_months as (
    select month_number, name_sv from {{ ref('calendar_months') }}
),

title_parts as (
    select
        events.*,
        regexp_extract(
            events.event_title, '^\s*(\d{1,2}) (\p{L}+) (\d{1,2})[.:](\d{2})',
            ['day', 'month', 'hour', 'minute']
        ) as name_time
    from events
),

title_typed as (
    select
        title_parts.*,
        cast(nullif(title_parts.name_time.day, '') as integer) as name_day,
        calendar_months.month_number as name_month,
        cast(nullif(title_parts.name_time.hour, '') as integer) as name_hour,
        cast(nullif(title_parts.name_time.minute, '') as integer) as name_minute
    from title_parts
    left join calendar_months
        on calendar_months.name_sv = lower(title_parts.name_time.month)
),

dated as (
    select
        *,
        try(make_date(year(published_at), name_month, name_day)) as same_year_date
    from title_typed
),

parsed as (
    select
        *,
        coalesce(
            case
                when same_year_date > cast(published_at as date) + interval 7 day
                    then try(make_date(year(published_at) - 1, name_month, name_day))
                else same_year_date
            end + to_hours(name_hour) + to_minutes(name_minute),
            published_at
        ) as event_at,
        trim(list_last(string_split(event_title, ','))) as municipality_name,
        case when url_path like '/%' then 'https://polisen.se' || url_path else url_path end as url
    from dated
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id
            order by published_instant desc, loaded_at desc, source_file desc, source_row desc
        ) as version_rank,
        count(*) over (partition by event_id) as version_count
    from parsed
)

select
    event_id,
    cast(version_rank as integer) as version_rank,
    cast(version_count as integer) as version_count,
    published_instant,
    published_at,
    event_at,
    event_type,
    municipality_name,
    event_title,
    summary,
    url,
    location_name,
    latitude,
    longitude,
    source_file,
    source_row,
    file_sha256,
    loaded_at
from ranked
