-- Placeholder with the contract's columns (CONTRACTS.md section 5) so the table
-- exists; the data-quality checks that fill it come in a later change.
select
    cast(null as {{ dbt.type_string() }}) as check_id,
    cast(null as {{ dbt.type_string() }}) as source,
    cast(null as {{ dbt.type_string() }}) as period,
    cast(null as {{ dbt.type_string() }}) as level,
    cast(null as {{ dbt.type_string() }}) as unit_id,
    cast(null as {{ dbt.type_string() }}) as severity,
    cast(null as double precision) as affected,
    cast(null as double precision) as share,
    cast(null as {{ dbt.type_string() }}) as message
where 1 = 0
