-- Police events typed and parsed; no business rules (those are in intermediate).
-- The event time is the one in `name` ("DD månad HH.MM, Typ, Plats", no year), with the
-- year taken from the publication time `datetime`, moved back a year when the named day
-- lies after publication (published 1 January about 31 December).
with source as (
    select * from {{ source('raw', 'police_events') }}
),

parts as (
    select
        *,
        regexp_extract(name, '^\s*(\d{1,2}) (\p{L}+) (\d{1,2})[.:](\d{2})',
                       ['day', 'month', 'hour', 'minute']) as name_time,
        strptime(left(datetime, length(datetime) - 7), '%Y-%m-%d %H:%M:%S') as published_at
    from source
),

typed as (
    select
        *,
        cast(name_time.day as integer) as name_day,
        list_position(
            ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti',
             'september', 'oktober', 'november', 'december'],
            lower(name_time.month)
        ) as name_month,
        cast(name_time.hour as integer) as name_hour,
        cast(name_time.minute as integer) as name_minute
    from parts
),

dated as (
    select
        *,
        try(make_date(year(published_at), name_month, name_day)) as same_year_date
    from typed
)

select
    id as event_id,
    published_at,
    coalesce(
        case
            when same_year_date > cast(published_at as date) + interval 7 day
                then try(make_date(year(published_at) - 1, name_month, name_day))
            else same_year_date
        end + to_hours(name_hour) + to_minutes(name_minute),
        published_at
    ) as event_at,
    type as event_type,
    trim(list_last(string_split(name, ','))) as municipality_name,
    name as event_title,
    summary,
    case when url like '/%' then 'https://polisen.se' || url else url end as url,
    location_name,
    try_cast(split_part(location_gps, ',', 1) as double) as latitude,
    try_cast(split_part(location_gps, ',', 2) as double) as longitude,
    _source_file as source_file,
    _source_row as source_row
from dated
