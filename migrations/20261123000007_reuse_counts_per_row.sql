-- Reuse counts that can be computed for a few rows.
--
-- The views solution_reuse and data_model_reuse grouped over every entry, so even a query
-- for one entry counted the reuse of all of them (at 100 000 solutions, half a second per
-- query; the search index reads entries in batches and felt it first). The count now lives
-- in one function per entry type, and the views call it per row: a filter on the view's id
-- reaches the base table, and only the selected rows are counted. The meaning is unchanged:
-- distinct other organisations that forked (not archived, not hidden) or adopted the entry.

create function solution_reuse_count(solution_id uuid, owner_id uuid) returns integer
    language sql stable as
$$
select count(distinct reuser.organisation_id)::integer
from (
    select f.organisation_id from solutions f
    where f.forked_from = solution_id and f.archived_at is null and not f.hidden
    union
    select a.organisation_id from adoptions a where a.solution_id = solution_reuse_count.solution_id
) reuser
where reuser.organisation_id <> owner_id
$$;

create function data_model_reuse_count(data_model_id uuid, owner_id uuid) returns integer
    language sql stable as
$$
select count(distinct reuser.organisation_id)::integer
from (
    select f.organisation_id from data_models f
    where f.forked_from = data_model_id and f.archived_at is null and not f.hidden
    union
    select a.organisation_id from adoptions a where a.data_model_id = data_model_reuse_count.data_model_id
) reuser
where reuser.organisation_id <> owner_id
$$;

create or replace view solution_reuse as
select s.id as solution_id, solution_reuse_count(s.id, s.organisation_id) as reuse_count
from solutions s;

create or replace view data_model_reuse as
select d.id as data_model_id, data_model_reuse_count(d.id, d.organisation_id) as reuse_count
from data_models d;
