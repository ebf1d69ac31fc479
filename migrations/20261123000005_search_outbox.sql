-- The search outbox.
--
-- PostgreSQL is the only source of truth; the Tantivy search index is a projection of it.
-- Every insert, update or delete of an entry or organisation appends a row here inside the
-- same transaction (by trigger, so no write path can forget it). Each server node applies
-- the rows after its own remembered position to its own index.

create table search_outbox
(
    id          bigint generated always as identity primary key,
    entity_kind text        not null check (entity_kind in ('solution', 'data_model', 'organisation')),
    entity_id   uuid        not null,
    op          text        not null check (op in ('upsert', 'delete')),
    created_at  timestamptz not null default now()
);

comment on table search_outbox is 'Append-only log of entry changes that search indexes apply in order';

create function enqueue_search_update() returns trigger
    language plpgsql as
$$
begin
    if tg_op = 'DELETE' then
        insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], old.id, 'delete');
        return old;
    end if;
    insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], new.id, 'upsert');
    return new;
end;
$$;

create trigger solutions_search_outbox
    after insert or update or delete on solutions
    for each row execute function enqueue_search_update('solution');

create trigger data_models_search_outbox
    after insert or update or delete on data_models
    for each row execute function enqueue_search_update('data_model');

create trigger organisations_search_outbox
    after insert or update or delete on organisations
    for each row execute function enqueue_search_update('organisation');

-- Adoptions and forks change reuse counts shown in search results.
create function enqueue_adoption_search_update() returns trigger
    language plpgsql as
$$
declare
    row adoptions;
begin
    row := case when tg_op = 'DELETE' then old else new end;
    if row.solution_id is not null then
        insert into search_outbox (entity_kind, entity_id, op) values ('solution', row.solution_id, 'upsert');
    else
        insert into search_outbox (entity_kind, entity_id, op) values ('data_model', row.data_model_id, 'upsert');
    end if;
    return row;
end;
$$;

create trigger adoptions_search_outbox
    after insert or update or delete on adoptions
    for each row execute function enqueue_adoption_search_update();
