-- BRÅ reported crimes per municipality and year: the file's spelling matched to an
-- SCB code (int_kommun_keys: plain name, 'X kommun', genitive 'Xs kommun', variants
-- such as 'Falu kommun'), the national row recognised, one row per (municipality, year).
--
-- The same (municipality, year) from several files (or twice in one file under two
-- spellings): the newest loaded wins — latest _loaded_at; files loaded in the same
-- run (same _loaded_at) were loaded in file-name order, so the later name wins; within
-- one file the later row wins.
-- A name that matches nothing is kept as written, with kommun_code null and
-- kommun_matched false (a warn-level test lists them).
with bra as (
    select * from {{ ref('stg_bra__reported_crimes') }}
),

kommun_keys as (
    select * from {{ ref('int_kommun_keys') }}
),

kommuner as (
    select kommun_code, kommun_name, county_name from {{ ref('kommuner') }}
),

matched as (
    select
        bra.*,
        {{ casefold_name('bra.kommun_in_file') }} in ('hela landet', 'riket', 'hela riket') as is_national,
        kommun_keys.kommun_code
    from bra
    left join kommun_keys
        on kommun_keys.kommun_key = {{ casefold_name('bra.kommun_in_file') }}
),

keyed as (
    select
        *,
        case
            when is_national then 'national'
            when kommun_code is not null then 'code:' || kommun_code
            else 'name:' || {{ casefold_name('kommun_in_file') }}
        end as kommun_key
    from matched
),

newest as (
    select *
    from keyed
    qualify row_number() over (
        partition by year, kommun_key
        order by loaded_at desc, source_file desc, source_row desc
    ) = 1
)

select
    newest.year,
    case
        when newest.is_national then 'Hela landet'
        else coalesce(kommuner.kommun_name, newest.kommun_in_file)
    end as kommun,
    newest.reported_crimes,
    newest.per_100k,
    case when not newest.is_national then newest.kommun_code end as kommun_code,
    case when not newest.is_national then kommuner.county_name end as county,
    newest.is_national or newest.kommun_code is not null as kommun_matched,
    newest.is_national,
    newest.kommun_in_file,
    newest.source_file,
    newest.source_row
from newest
left join kommuner
    on kommuner.kommun_code = newest.kommun_code
    and not newest.is_national
