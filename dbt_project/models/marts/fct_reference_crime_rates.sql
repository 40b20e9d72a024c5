-- BRÅ "Anmälda brott" per municipality and year (DATA-CONTRACT §4.1): the contract's
-- columns first, then the SCB code, county and whether the name was recognised.
select
    year,
    kommun,
    reported_crimes,
    per_100k,
    kommun_code,
    county,
    kommun_matched,
    source_file
from {{ ref('int_police_reported_by_kommun') }}
