-- The search outbox, read in transaction order.
--
-- Outbox ids are handed out when a row is inserted, but transactions commit in any order:
-- id 7 can become visible before id 6, and a reader that had moved past 7 would never see 6.
-- Each row therefore records the id of the transaction that wrote it. A reader only takes
-- rows of transactions older than the oldest one still running (`pg_snapshot_xmin`); those
-- are all finished, so reading them in (txid, id) order misses nothing.
--
-- Reuse counts shown in search results also change when a fork of an entry is created,
-- moved or deleted, and when an adoption moves to another entry: those now touch the
-- original entry and the previous target as well.

alter table search_outbox
    add column txid xid8 not null default pg_current_xact_id();

comment on column search_outbox.txid is 'Transaction that wrote the row; readers follow (txid, id) below the oldest running transaction';

create index search_outbox_txid_idx on search_outbox (txid, id);

create or replace function enqueue_search_update() returns trigger
    language plpgsql as
$$
declare
    origin_before uuid;
    origin_after  uuid;
begin
    if tg_op = 'DELETE' then
        insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], old.id, 'delete');
    else
        insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], new.id, 'upsert');
    end if;
    -- Forks count as reuse of their origin.
    if tg_argv[0] in ('solution', 'data_model') then
        if tg_op <> 'INSERT' then
            origin_before := old.forked_from;
        end if;
        if tg_op <> 'DELETE' then
            origin_after := new.forked_from;
        end if;
        if origin_before is not null then
            insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], origin_before, 'upsert');
        end if;
        if origin_after is not null and origin_after is distinct from origin_before then
            insert into search_outbox (entity_kind, entity_id, op) values (tg_argv[0], origin_after, 'upsert');
        end if;
    end if;
    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end;
$$;

create or replace function enqueue_adoption_search_update() returns trigger
    language plpgsql as
$$
begin
    if tg_op <> 'INSERT' then
        insert into search_outbox (entity_kind, entity_id, op)
        values (case when old.solution_id is not null then 'solution' else 'data_model' end,
                coalesce(old.solution_id, old.data_model_id), 'upsert');
    end if;
    if tg_op <> 'DELETE' then
        insert into search_outbox (entity_kind, entity_id, op)
        values (case when new.solution_id is not null then 'solution' else 'data_model' end,
                coalesce(new.solution_id, new.data_model_id), 'upsert');
        return new;
    end if;
    return old;
end;
$$;
