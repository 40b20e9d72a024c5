-- BRÅ "Anmälda brott" per municipality and year (DATA-CONTRACT §4.1): the contract's
-- columns first, then the SCB code, county and whether the name was recognised, then the
-- county comparison: the median per_100k of the *other* municipalities of the same county
-- in the same year's BRÅ files, and how many municipalities that median is over.
with rates as (
    select * from {{ ref('int_police_reported_by_kommun') }}
),

county_peers as (
    select
        rates.year,
        rates.kommun,
        median(peers.per_100k) as county_median_per_100k,
        count(peers.per_100k) as county_kommuner
    from rates
    left join rates as peers
        on peers.year = rates.year
        and peers.county = rates.county
        and peers.kommun_code <> rates.kommun_code
    group by rates.year, rates.kommun
)

select
    rates.year,
    rates.kommun,
    rates.reported_crimes,
    rates.per_100k,
    rates.kommun_code,
    rates.county,
    rates.kommun_matched,
    rates.source_file,
    cast(county_peers.county_median_per_100k as double) as county_median_per_100k,
    -- null, not 0, where there is no county to compare with ('Hela landet', unmatched names)
    cast(case when rates.county is not null then county_peers.county_kommuner end as integer)
        as county_kommuner
from rates
inner join county_peers
    on county_peers.year = rates.year
    and county_peers.kommun = rates.kommun
