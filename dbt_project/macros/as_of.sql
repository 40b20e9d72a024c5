{#- The one clock (DATA-CONTRACT §4.1): the date every rule that depends on "today"
    uses — future dates, the tertial in progress, late measures. LAGESBILD_AS_OF
    (YYYY-MM-DD) pins it; unset, it is today. Python reads the same variable
    (pipelines/settings.py). Read only when dbt executes: an env_var() read while parsing is
    recorded, and a new value (every new day: run.py exports the date) would make every later
    `dbt build` parse the models that call this again. -#}
{% macro as_of() -%}
    {%- set pinned = (env_var('LAGESBILD_AS_OF', '') if execute else '') | trim -%}
    {%- if pinned -%} date '{{ pinned }}' {%- else -%} current_date {%- endif -%}
{%- endmacro %}
