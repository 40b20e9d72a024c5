{#- The significance tests of the indicators and the pledges (DATA-CONTRACT §4.1, §2.2),
    written once. Each macro is the body of a CTE: it reads a CTE of distinct test cases
    and returns one p-value per case. -#}

{#- A p-value rounded to `digits` significant digits. The log-gamma sums behind the exact
    tests are accurate to about 12 digits; the digits beyond are noise, and rounding makes
    the value reproducible (0 stays 0). -#}
{% macro round_significant(expr, digits=10) -%}
    case
        when ({{ expr }}) is null then null
        when ({{ expr }}) = 0 then 0.0
        else round(({{ expr }}), {{ digits }} - cast(ceil(log10(abs({{ expr }}))) as integer))
    end
{%- endmacro %}

{#- Exact two-sided binomial test, as scipy.stats.binomtest computes it: the sum of the
    probabilities of all outcomes 0..n no more likely than the observed k (relative
    tolerance 1e-7, so outcomes exactly as likely count too).
    `tests`: a relation with distinct (k, n, p), n > 0 and 0 < p < 1.
    Returns (k, n, p, p_value). -#}
{% macro exact_binomial_p_values(tests) -%}
    select
        terms.k,
        terms.n,
        terms.p,
        least(1.0, sum(terms.probability) filter (
            where terms.probability <= terms.observed_probability * (1 + 1e-7)
        )) as p_value
    from (
        select
            cases.k,
            cases.n,
            cases.p,
            exp(
                lgamma(cases.n + 1) - lgamma(outcomes.i + 1) - lgamma(cases.n - outcomes.i + 1)
                + outcomes.i * ln(cases.p) + (cases.n - outcomes.i) * ln(1 - cases.p)
            ) as probability,
            exp(
                lgamma(cases.n + 1) - lgamma(cases.k + 1) - lgamma(cases.n - cases.k + 1)
                + cases.k * ln(cases.p) + (cases.n - cases.k) * ln(1 - cases.p)
            ) as observed_probability
        from {{ tests }} as cases
        cross join lateral (select unnest(range(0, cast(cases.n as bigint) + 1)) as i) as outcomes
    ) as terms
    group by terms.k, terms.n, terms.p
{%- endmacro %}

{#- Fisher's exact test, two-sided, for two proportions: x1 of n1 against x2 of n2. Given
    the margins, x1 is hypergeometric; the p-value is the sum of the probabilities of all
    tables no more likely than the observed one (relative tolerance 1e-7), as
    scipy.stats.fisher_exact computes it.
    `tests`: a relation with distinct (x1, n1, x2, n2), n1 > 0 and n2 > 0.
    Returns (x1, n1, x2, n2, p_value). -#}
{% macro fisher_exact_p_values(tests) -%}
    select
        terms.x1,
        terms.n1,
        terms.x2,
        terms.n2,
        least(1.0, sum(terms.probability) filter (
            where terms.probability <= terms.observed_probability * (1 + 1e-7)
        )) as p_value
    from (
        select
            cases.x1,
            cases.n1,
            cases.x2,
            cases.n2,
            exp(
                lgamma(cases.n1 + 1) - lgamma(outcomes.i + 1) - lgamma(cases.n1 - outcomes.i + 1)
                + lgamma(cases.n2 + 1) - lgamma(cases.x1 + cases.x2 - outcomes.i + 1)
                - lgamma(cases.n2 - cases.x1 - cases.x2 + outcomes.i + 1)
                - lgamma(cases.n1 + cases.n2 + 1) + lgamma(cases.x1 + cases.x2 + 1)
                + lgamma(cases.n1 + cases.n2 - cases.x1 - cases.x2 + 1)
            ) as probability,
            exp(
                lgamma(cases.n1 + 1) - lgamma(cases.x1 + 1) - lgamma(cases.n1 - cases.x1 + 1)
                + lgamma(cases.n2 + 1) - lgamma(cases.x2 + 1) - lgamma(cases.n2 - cases.x2 + 1)
                - lgamma(cases.n1 + cases.n2 + 1) + lgamma(cases.x1 + cases.x2 + 1)
                + lgamma(cases.n1 + cases.n2 - cases.x1 - cases.x2 + 1)
            ) as observed_probability
        from {{ tests }} as cases
        cross join lateral (
            select unnest(range(
                cast(greatest(0, cases.x1 + cases.x2 - cases.n2) as bigint),
                cast(least(cases.n1, cases.x1 + cases.x2) as bigint) + 1
            )) as i
        ) as outcomes
    ) as terms
    group by terms.x1, terms.n1, terms.x2, terms.n2
{%- endmacro %}

{#- This year's share of the exposure in the change test (k of n, probability p): the
    population now against now plus last year; equal populations, or either unknown: 0.5. -#}
{% macro exposure_share(population_now, population_last_year) -%}
    case
        when {{ population_now }} > 0 and {{ population_last_year }} > 0
            then {{ population_now }} / cast({{ population_now }} + {{ population_last_year }} as double)
        else 0.5
    end
{%- endmacro %}

{#- Benjamini–Hochberg within (municipality, tertial): p_(r) * m / r for the r-th smallest
    of m p-values, made monotone from the largest down (each is the smallest of those at
    and above its rank), at most 1. Reads `p_value`, `tests_in_tertial` (m) and `p_rank` (r)
    of a CTE ranked per (kommun_code, period); tied p-values get the same adjusted value. -#}
{% macro benjamini_hochberg_adjusted() -%}
    {{ round_significant(
        'least(1.0, min(p_value * tests_in_tertial / p_rank) over (
            partition by kommun_code, period order by p_rank desc
            rows between unbounded preceding and current row
        ))'
    ) }}
{%- endmacro %}
