{#- 95 % Wilson score interval for x successes out of n (null when n = 0).
    Closed form; z = the 0.975 quantile of the standard normal. -#}
{% macro wilson_bound(x, n, side) -%}
    case when {{ n }} > 0 then
        (
            ({{ x }} / {{ n }}) + 1.959963984540054 ^ 2 / (2 * {{ n }})
            {{ '-' if side == 'low' else '+' }} 1.959963984540054 * sqrt(
                ({{ x }} / {{ n }}) * (1 - {{ x }} / {{ n }}) / {{ n }}
                + 1.959963984540054 ^ 2 / (4 * {{ n }} ^ 2)
            )
        ) / (1 + 1.959963984540054 ^ 2 / {{ n }})
    end
{%- endmacro %}
