-- Area names and aliases as normalised keys (case, accents, whitespace ignored), for
-- matching the place column of every tabular source. Join on
-- {{ "{{ normalise_name('<column>') }}" }} = label_key; no match means area 'okant'.
select distinct kommun_code, area_id, label_key
from {{ ref('stg_config__area_names') }}
