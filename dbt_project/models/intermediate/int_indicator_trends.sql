-- Season-aware trend of police_reported_count (the local extract: the one count large
-- and complete enough to compare; events and partner reports are too few and too
-- dependent on who reports). Every tertial is compared with the same tertial of earlier
-- years only, never summer with winter.
--
-- The count of an earlier tertial is known when an extract covers it: the row's count
-- there (null when suppressed at source, `..`), or 0 when the extract has no row for
-- the area and category. Not covered -> null, never 0.
--
-- Significance: the conditional binomial test for two Poisson counts. Given the total
-- n = x_last + x_now, under "same underlying rate" x_now ~ Binomial(n, p) with
-- p = E_now / (E_now + E_last), E = the area's population in each year (0.5 when they
-- are equal or unknown). Two-sided exact p-value as scipy.stats.binomtest computes it:
-- the sum of the probabilities of all outcomes no more likely than the observed one.
with counts as (
    select period, kommun_code, area_id, category_id, police_reported_count, population
    from {{ ref('int_indicator_counts') }}
),

coverage as (
    select distinct period, kommun_code from {{ ref('int_police_reported_indicators') }}
),

earlier as (
    select
        counts.period,
        counts.kommun_code,
        counts.area_id,
        counts.category_id,
        lags.years_back,
        case
            when coverage.period is null then null
            when previous.period is null then 0
            else previous.police_reported_count
        end as earlier_count,
        previous.population as earlier_population
    from counts
    cross join (values (1), (2), (3)) as lags (years_back)
    left join coverage
        on coverage.kommun_code = counts.kommun_code
        and coverage.period = {{ shift_years('counts.period', 'lags.years_back') }}
    left join counts as previous
        on previous.kommun_code = counts.kommun_code
        and previous.area_id = counts.area_id
        and previous.category_id = counts.category_id
        and previous.period = {{ shift_years('counts.period', 'lags.years_back') }}
),

history as (
    select
        period,
        kommun_code,
        area_id,
        category_id,
        any_value(earlier_count) filter (where years_back = 1) as last_year_count,
        any_value(earlier_population) filter (where years_back = 1) as last_year_population,
        avg(earlier_count) as baseline_mean,
        count(earlier_count) as baseline_years
    from earlier
    group by all
),

compared as (
    select
        counts.*,
        history.last_year_count,
        history.baseline_mean,
        history.baseline_years,
        counts.police_reported_count as k,
        counts.police_reported_count + history.last_year_count as n,
        -- the exposure share of this year; equal populations (or unknown) -> 0.5
        coalesce(
            counts.population / nullif(cast(counts.population + history.last_year_population as double), 0),
            0.5
        ) as p
    from counts
    inner join history using (period, kommun_code, area_id, category_id)
),

-- Each distinct (k, n, p) once: many rows share small counts.
tests as (
    select distinct k, n, p from compared where k is not null and n is not null and n > 0
),

terms as (
    select
        tests.k,
        tests.n,
        tests.p,
        outcomes.i,
        exp(
            lgamma(tests.n + 1) - lgamma(outcomes.i + 1) - lgamma(tests.n - outcomes.i + 1)
            + outcomes.i * ln(tests.p) + (tests.n - outcomes.i) * ln(1 - tests.p)
        ) as probability
    from tests
    cross join lateral (select unnest(range(0, tests.n + 1)) as i) as outcomes
),

observed as (
    select k, n, p, probability as observed_probability from terms where i = k
),

p_values as (
    select
        terms.k,
        terms.n,
        terms.p,
        -- relative tolerance 1e-7 as scipy, so outcomes exactly as likely are included
        least(1.0, sum(terms.probability) filter (
            where terms.probability <= observed.observed_probability * (1 + 1e-7)
        )) as p_value
    from terms
    inner join observed using (k, n, p)
    group by all
)

select
    compared.period,
    compared.kommun_code,
    compared.area_id,
    compared.category_id,
    cast(compared.last_year_count as bigint) as police_reported_same_period_last_year,
    cast(
        (compared.police_reported_count - compared.last_year_count) * 100.0
        / nullif(compared.last_year_count, 0) as double
    ) as change_vs_last_year_pct,
    cast(compared.baseline_mean as double) as police_reported_baseline,
    cast(compared.baseline_years as integer) as police_reported_baseline_years,
    cast(
        (compared.police_reported_count - compared.baseline_mean) * 100.0
        / nullif(compared.baseline_mean, 0) as double
    ) as change_vs_baseline_pct,
    cast(case when compared.n = 0 then 1.0 else p_values.p_value end as double) as change_p_value,
    case
        when compared.n = 0 then false
        else p_values.p_value < {{ var('significance_level') }}
    end as change_is_significant
from compared
left join p_values using (k, n, p)
