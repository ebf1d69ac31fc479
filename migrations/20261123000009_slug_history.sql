-- Old addresses keep working: when an entry's slug changes, the old slug is remembered here
-- and its page answers with a permanent redirect to the new one. An old slug stays reserved
-- for its entry, so no other entry can take over a published address.

create table entry_slug_history
(
    kind       text        not null check (kind in ('solution', 'data_model')),
    old_slug   slug        not null,
    entry_id   uuid        not null,
    changed_at timestamptz not null default now(),
    primary key (kind, old_slug)
);

create index entry_slug_history_entry_idx on entry_slug_history (entry_id);

comment on table entry_slug_history is 'Former slugs of solutions and data models, redirected permanently';
