-- History and reuse.
--
-- Revisions: every change to a solution or data model stores who, when, why and the full
-- snapshot of the entry as JSON. Revisions are only ever appended; restoring an old state
-- writes a new revision. Exactly one of solution_id / data_model_id is set.
--
-- Forks are recorded by `forked_from` on the entry itself (previous migration).
-- Adoptions ("Wir nutzen das") record that an organisation uses an entry.
-- Reuse is counted from these facts only: the number of distinct organisations that forked
-- or adopted an entry.

create table revisions
(
    id            bigint generated always as identity primary key,
    solution_id   uuid references solutions (id) on delete cascade,
    data_model_id uuid references data_models (id) on delete cascade,
    -- 1, 2, 3 … per entry.
    number        integer     not null check (number >= 1),
    author_id     uuid references users (id) on delete set null,
    message       text        not null default '' check (char_length(message) <= 500),
    snapshot      jsonb       not null check (jsonb_typeof(snapshot) = 'object'),
    created_at    timestamptz not null default now(),
    constraint revisions_one_entry check (num_nonnulls(solution_id, data_model_id) = 1)
);

create unique index revisions_solution_number_key on revisions (solution_id, number) where solution_id is not null;
create unique index revisions_data_model_number_key on revisions (data_model_id, number) where data_model_id is not null;

comment on table revisions is 'Append-only history: one full snapshot per change of an entry';

create table adoptions
(
    id              uuid primary key     default gen_random_uuid(),
    organisation_id uuid        not null references organisations (id) on delete cascade,
    solution_id     uuid references solutions (id) on delete cascade,
    data_model_id   uuid references data_models (id) on delete cascade,
    status          text        not null check (status in ('evaluating', 'pilot', 'production')),
    since           date        not null,
    -- A person or team willing to share experience; optional.
    contact_name    text check (char_length(btrim(contact_name)) between 1 and 200),
    contact_email   text check (char_length(contact_email) <= 254 and contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    note            text        not null default '' check (char_length(note) <= 1000),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint adoptions_one_entry check (num_nonnulls(solution_id, data_model_id) = 1)
);

create unique index adoptions_solution_key on adoptions (organisation_id, solution_id) where solution_id is not null;
create unique index adoptions_data_model_key on adoptions (organisation_id, data_model_id) where data_model_id is not null;
create index adoptions_solution_idx on adoptions (solution_id) where solution_id is not null;
create index adoptions_data_model_idx on adoptions (data_model_id) where data_model_id is not null;

create trigger adoptions_updated_at
    before update on adoptions
    for each row execute function set_updated_at();

-- Distinct organisations (other than the owner) that forked or adopted a solution.
create view solution_reuse as
select s.id as solution_id, count(distinct reuser.organisation_id)::integer as reuse_count
from solutions s
left join lateral (
    select f.organisation_id from solutions f
    where f.forked_from = s.id and f.archived_at is null and not f.hidden
    union
    select a.organisation_id from adoptions a where a.solution_id = s.id
) reuser on reuser.organisation_id <> s.organisation_id
group by s.id;

create view data_model_reuse as
select d.id as data_model_id, count(distinct reuser.organisation_id)::integer as reuse_count
from data_models d
left join lateral (
    select f.organisation_id from data_models f
    where f.forked_from = d.id and f.archived_at is null and not f.hidden
    union
    select a.organisation_id from adoptions a where a.data_model_id = d.id
) reuser on reuser.organisation_id <> d.organisation_id
group by d.id;

comment on view solution_reuse is 'Reuse count per solution: distinct other organisations that forked or adopted it';
comment on view data_model_reuse is 'Reuse count per data model: distinct other organisations that forked or adopted it';
