-- What the public may see, said once (issue 14, finding 6).
--
-- Moderation hides an organisation or an entry (`hidden`); the entries of a hidden
-- organisation are hidden with it. Every read path used to repeat "not e.hidden and not
-- o.hidden" in its own SQL, and the paths that forgot half of it (the lineage tree, the
-- import preview's lookup by repository URL, the newest adoptions) named hidden entries.
-- These views are the one rule: a public read of an organisation or an entry selects from
-- them, not from the tables.
--
-- * Archived entries stay visible: their address keeps working and says so. Lists leave
--   them out with their own `archived_at is null`.
-- * `select x.*` is expanded when a view is created: a later migration that adds a column to
--   one of the tables and reads it through the view re-creates the view
--   (`create or replace view`, the new column at the end). Reading a column the view lacks
--   fails loudly; it never shows a hidden row.
-- * Members of a hidden organisation still manage it and its entries, and site
--   administrators list what is hidden to show it again: those paths read the tables, on
--   purpose.

create view visible_organisations as
select o.*
from organisations o
where not o.hidden;

create view visible_solutions as
select s.*
from solutions s
join organisations o on o.id = s.organisation_id
where not s.hidden and not o.hidden;

create view visible_data_models as
select d.*
from data_models d
join organisations o on o.id = d.organisation_id
where not d.hidden and not o.hidden;

comment on view visible_organisations is 'Organisations the public may see (not hidden by moderation)';
comment on view visible_solutions is 'Solutions the public may see: neither they nor their organisation hidden (archived ones included)';
comment on view visible_data_models is 'Data models the public may see: neither they nor their organisation hidden (archived ones included)';

-- Reuse counts follow the same rule: a fork counts when the public may see it (and it is not
-- archived), an adoption when the public may see the adopting organisation. Before, a hidden
-- organisation's forks and adoptions were counted although the page that lists adopters and
-- forks leaves them out. (Migration 7 explains why the count is a function per row.)

create or replace function solution_reuse_count(solution_id uuid, owner_id uuid) returns integer
    language sql stable as
$$
select count(distinct reuser.organisation_id)::integer
from (
    select f.organisation_id from visible_solutions f
    where f.forked_from = solution_id and f.archived_at is null
    union
    select a.organisation_id from adoptions a join visible_organisations o on o.id = a.organisation_id
    where a.solution_id = solution_reuse_count.solution_id
) reuser
where reuser.organisation_id <> owner_id
$$;

create or replace function data_model_reuse_count(data_model_id uuid, owner_id uuid) returns integer
    language sql stable as
$$
select count(distinct reuser.organisation_id)::integer
from (
    select f.organisation_id from visible_data_models f
    where f.forked_from = data_model_id and f.archived_at is null
    union
    select a.organisation_id from adoptions a join visible_organisations o on o.id = a.organisation_id
    where a.data_model_id = data_model_reuse_count.data_model_id
) reuser
where reuser.organisation_id <> owner_id
$$;
