{#- 95 % Wilson score interval for x successes out of n (null when n = 0); the one
    implementation (Python reads the bounds from the marts). Written with scipy's arithmetic
    (scipy.stats.binomtest(x, n).proportion_ci(method='wilson'), after Newcombe 1998), so
    the bounds agree with scipy's to the last bit: z = the 0.975 quantile of the standard
    normal, p = x/n, denom = 2(n + z²), centre = (2np + z²)/denom,
    delta = z/denom · sqrt(4np(1 − p) + z²); low = 0 when x = 0, high = 1 when x = n. -#}
{% macro wilson_bound(x, n, side) -%}
    {%- set z = 'cast(1.959963984540054 as double)' -%}
    case when {{ n }} > 0 then
    {%- if side == 'low' %}
        case when {{ x }} = 0 then 0.0 else
            (2 * {{ n }} * ({{ x }} / {{ n }}) + {{ z }} * {{ z }}) / (2 * ({{ n }} + {{ z }} * {{ z }}))
            - {{ z }} / (2 * ({{ n }} + {{ z }} * {{ z }}))
                * sqrt(4 * {{ n }} * ({{ x }} / {{ n }}) * (1 - {{ x }} / {{ n }}) + {{ z }} * {{ z }})
        end
    {%- else %}
        case when {{ x }} = {{ n }} then 1.0 else
            (2 * {{ n }} * ({{ x }} / {{ n }}) + {{ z }} * {{ z }}) / (2 * ({{ n }} + {{ z }} * {{ z }}))
            + {{ z }} / (2 * ({{ n }} + {{ z }} * {{ z }}))
                * sqrt(4 * {{ n }} * ({{ x }} / {{ n }}) * (1 - {{ x }} / {{ n }}) + {{ z }} * {{ z }})
        end
    {%- endif %}
    end
{%- endmacro %}
