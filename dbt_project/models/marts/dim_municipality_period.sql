-- The tertials of each municipality: from its own first to its own last tertial with data
-- (dim_period spans every municipality of the warehouse). A municipality's reports cover
-- these, so that they are the same whether it runs alone or in a region.
select kommun_code, period
from {{ ref('int_municipality_periods') }}
