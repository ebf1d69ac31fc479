-- Reuse counts kept as columns (issue 17).
--
-- The views solution_reuse and data_model_reuse called a counting function per row
-- (migrations 7 and 12). Every list query joined them, so the function ran for every
-- matching row even for `count(*)`, and "most reused" had to count every solution before
-- it could sort: at 62 000 solutions `/loesungen` took 1.1 s and `/nachnutzung` 1.8 s.
--
-- Now `solutions.reuse_count` and `data_models.reuse_count` hold the count, and triggers
-- keep it in the writing transaction, so a list reads a plain column (which an index can
-- sort) and a count is never behind the tables. The meaning is unchanged and still said
-- once, by the functions of migration 12: distinct other organisations whose visible, not
-- archived fork or whose adoption (by a visible organisation) reuses the entry.
--
-- What changes a count, and which entries the triggers count again:
-- * an adoption is made, moved or withdrawn: the entry adopted (before and after);
-- * a fork is made, deleted, archived, hidden, shown again, moved to another origin or
--   another organisation: its origin (before and after);
-- * an entry moves to another organisation: the entry itself (its owner does not count);
-- * an organisation is hidden or shown again: the entries its forks come from and the
--   entries it adopted.
--
-- The triggers are per statement with transition tables, so a bulk load counts each entry
-- once per statement, not once per row. Setting a count updates only `reuse_count`; the
-- update trigger sees no change of the columns above and stops there (no recursion), the
-- search outbox trigger records the entry (search results show and sort by the count), and
-- `updated_at` stays as it was: a new adopter is not an edit of the entry.

alter table solutions add column reuse_count integer not null default 0 check (reuse_count >= 0);
alter table data_models add column reuse_count integer not null default 0 check (reuse_count >= 0);

comment on column solutions.reuse_count is 'Distinct other organisations that forked or adopted it (kept by triggers, see solution_reuse_count)';
comment on column data_models.reuse_count is 'Distinct other organisations that forked or adopted it (kept by triggers, see data_model_reuse_count)';

-- updated_at follows edits, not counts.
create function set_updated_at_unless_only_counts() returns trigger
    language plpgsql as
$$
begin
    if (to_jsonb(new) - 'reuse_count' - 'updated_at') is distinct from (to_jsonb(old) - 'reuse_count' - 'updated_at') then
        new.updated_at := now();
    end if;
    return new;
end;
$$;

drop trigger solutions_updated_at on solutions;
create trigger solutions_updated_at
    before update on solutions
    for each row execute function set_updated_at_unless_only_counts();

drop trigger data_models_updated_at on data_models;
create trigger data_models_updated_at
    before update on data_models
    for each row execute function set_updated_at_unless_only_counts();

-- Count the given entries again; only changed counts are written. The count is the one of
-- solution_reuse_count / data_model_reuse_count (migration 12), computed for all given
-- entries in one set-based statement: a bulk load inside one transaction (no statistics
-- yet) would otherwise plan each entry's count as a scan of every adoption. A test compares
-- the stored counts with the functions after every kind of change.
create function refresh_solution_reuse(ids uuid[]) returns void
    language plpgsql as
$$
begin
    if coalesce(cardinality(ids), 0) = 0 then
        return;
    end if;
    with reuser as (
        select f.forked_from as id, f.organisation_id
        from visible_solutions f
        where f.forked_from = any (ids) and f.archived_at is null
        union
        select a.solution_id, a.organisation_id
        from adoptions a join visible_organisations o on o.id = a.organisation_id
        where a.solution_id = any (ids)
    ), counted as (
        select e.id, (count(distinct r.organisation_id) filter (where r.organisation_id <> e.organisation_id))::integer as n
        from solutions e left join reuser r on r.id = e.id
        where e.id = any (ids)
        group by e.id
    )
    update solutions s
    set reuse_count = c.n
    from counted c
    where s.id = c.id and s.reuse_count <> c.n;
end;
$$;

create function refresh_data_model_reuse(ids uuid[]) returns void
    language plpgsql as
$$
begin
    if coalesce(cardinality(ids), 0) = 0 then
        return;
    end if;
    with reuser as (
        select f.forked_from as id, f.organisation_id
        from visible_data_models f
        where f.forked_from = any (ids) and f.archived_at is null
        union
        select a.data_model_id, a.organisation_id
        from adoptions a join visible_organisations o on o.id = a.organisation_id
        where a.data_model_id = any (ids)
    ), counted as (
        select e.id, (count(distinct r.organisation_id) filter (where r.organisation_id <> e.organisation_id))::integer as n
        from data_models e left join reuser r on r.id = e.id
        where e.id = any (ids)
        group by e.id
    )
    update data_models d
    set reuse_count = c.n
    from counted c
    where d.id = c.id and d.reuse_count <> c.n;
end;
$$;

-- Adoptions: the adopted entries of the rows before and after the statement.
create function adoptions_refresh_reuse() returns trigger
    language plpgsql as
$$
declare
    solution_ids   uuid[];
    data_model_ids uuid[];
begin
    if tg_op = 'INSERT' then
        select array_agg(distinct solution_id) filter (where solution_id is not null),
               array_agg(distinct data_model_id) filter (where data_model_id is not null)
        into solution_ids, data_model_ids
        from new_rows;
    elsif tg_op = 'DELETE' then
        select array_agg(distinct solution_id) filter (where solution_id is not null),
               array_agg(distinct data_model_id) filter (where data_model_id is not null)
        into solution_ids, data_model_ids
        from old_rows;
    else
        select array_agg(distinct solution_id) filter (where solution_id is not null),
               array_agg(distinct data_model_id) filter (where data_model_id is not null)
        into solution_ids, data_model_ids
        from (select solution_id, data_model_id from old_rows
              union all
              select solution_id, data_model_id from new_rows) r;
    end if;
    perform refresh_solution_reuse(solution_ids);
    perform refresh_data_model_reuse(data_model_ids);
    return null;
end;
$$;

create trigger adoptions_reuse_insert after insert on adoptions
    referencing new table as new_rows for each statement execute function adoptions_refresh_reuse();
create trigger adoptions_reuse_update after update on adoptions
    referencing old table as old_rows new table as new_rows for each statement execute function adoptions_refresh_reuse();
create trigger adoptions_reuse_delete after delete on adoptions
    referencing old table as old_rows for each statement execute function adoptions_refresh_reuse();

-- Entries (solutions and data models alike, the table is tg_argv[0]): the origins of
-- inserted and deleted forks; for updated rows whose reuse-relevant columns changed, their
-- origins before and after, and the row itself when it moved to another organisation.
create function entries_refresh_reuse() returns trigger
    language plpgsql as
$$
declare
    ids uuid[];
begin
    if tg_op = 'INSERT' then
        select array_agg(distinct forked_from) into ids from new_rows where forked_from is not null;
    elsif tg_op = 'DELETE' then
        select array_agg(distinct forked_from) into ids from old_rows where forked_from is not null;
    else
        select array_agg(distinct id) into ids
        from (
            select x.id
            from (select o.forked_from as before_origin, n.forked_from as after_origin,
                         n.id, o.organisation_id <> n.organisation_id as moved
                  from old_rows o join new_rows n on n.id = o.id
                  where o.forked_from is distinct from n.forked_from
                     or o.archived_at is distinct from n.archived_at
                     or o.hidden <> n.hidden
                     or o.organisation_id <> n.organisation_id) c
            cross join lateral (values (c.before_origin), (c.after_origin),
                                       (case when c.moved then c.id end)) as x(id)
            where x.id is not null
        ) changed;
    end if;
    if tg_argv[0] = 'solutions' then
        perform refresh_solution_reuse(ids);
    else
        perform refresh_data_model_reuse(ids);
    end if;
    return null;
end;
$$;

create trigger solutions_reuse_insert after insert on solutions
    referencing new table as new_rows for each statement execute function entries_refresh_reuse('solutions');
create trigger solutions_reuse_update after update on solutions
    referencing old table as old_rows new table as new_rows for each statement execute function entries_refresh_reuse('solutions');
create trigger solutions_reuse_delete after delete on solutions
    referencing old table as old_rows for each statement execute function entries_refresh_reuse('solutions');

create trigger data_models_reuse_insert after insert on data_models
    referencing new table as new_rows for each statement execute function entries_refresh_reuse('data_models');
create trigger data_models_reuse_update after update on data_models
    referencing old table as old_rows new table as new_rows for each statement execute function entries_refresh_reuse('data_models');
create trigger data_models_reuse_delete after delete on data_models
    referencing old table as old_rows for each statement execute function entries_refresh_reuse('data_models');

-- Organisations hidden or shown again: what their forks and adoptions reuse.
create function organisations_refresh_reuse() returns trigger
    language plpgsql as
$$
declare
    changed        uuid[];
    solution_ids   uuid[];
    data_model_ids uuid[];
begin
    select array_agg(n.id) into changed
    from old_rows o join new_rows n on n.id = o.id
    where o.hidden <> n.hidden;
    if changed is null then
        return null;
    end if;
    select array_agg(distinct id) into solution_ids
    from (select forked_from as id from solutions where organisation_id = any (changed) and forked_from is not null
          union
          select solution_id from adoptions where organisation_id = any (changed) and solution_id is not null) t;
    select array_agg(distinct id) into data_model_ids
    from (select forked_from as id from data_models where organisation_id = any (changed) and forked_from is not null
          union
          select data_model_id from adoptions where organisation_id = any (changed) and data_model_id is not null) t;
    perform refresh_solution_reuse(solution_ids);
    perform refresh_data_model_reuse(data_model_ids);
    return null;
end;
$$;

create trigger organisations_reuse_update after update on organisations
    referencing old table as old_rows new table as new_rows for each statement execute function organisations_refresh_reuse();

-- The adoptions of an organisation, for the trigger above.
create index adoptions_organisation_idx on adoptions (organisation_id);

-- Fill the columns. The search index already shows these counts (it read them through the
-- views), so this backfill need not pass through the search outbox.
alter table solutions disable trigger solutions_search_outbox;
alter table data_models disable trigger data_models_search_outbox;
update solutions s set reuse_count = solution_reuse_count(s.id, s.organisation_id)
where solution_reuse_count(s.id, s.organisation_id) <> 0;
update data_models d set reuse_count = data_model_reuse_count(d.id, d.organisation_id)
where data_model_reuse_count(d.id, d.organisation_id) <> 0;
alter table solutions enable trigger solutions_search_outbox;
alter table data_models enable trigger data_models_search_outbox;

-- The views name the column now (kept for reports and ad-hoc queries).
create or replace view solution_reuse as
select s.id as solution_id, s.reuse_count
from solutions s;

create or replace view data_model_reuse as
select d.id as data_model_id, d.reuse_count
from data_models d;

-- The views of migration 12 were expanded at creation; add the new column at their end.
create or replace view visible_solutions as
select s.*
from solutions s
join organisations o on o.id = s.organisation_id
where not s.hidden and not o.hidden;

create or replace view visible_data_models as
select d.*
from data_models d
join organisations o on o.id = d.organisation_id
where not d.hidden and not o.hidden;

-- The orders lists are shown in, each with the filter every list has (not archived); the
-- visibility check joins the organisation per row while the index is walked.
create index solutions_list_newest_idx on solutions (created_at desc, slug) where archived_at is null and not hidden;
create index solutions_list_reused_idx on solutions (reuse_count desc, created_at desc, slug) where archived_at is null and not hidden;
create index solutions_list_name_idx on solutions (name collate german, slug) where archived_at is null and not hidden;
create index data_models_list_newest_idx on data_models (created_at desc, slug) where archived_at is null and not hidden;
create index data_models_list_reused_idx on data_models (reuse_count desc, created_at desc, slug) where archived_at is null and not hidden;
create index data_models_list_name_idx on data_models (name collate german, slug) where archived_at is null and not hidden;
create index organisations_list_name_idx on organisations (name collate german, slug) where not hidden;
