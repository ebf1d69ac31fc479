-- "Wer kann das betreiben?": IT service providers, companies and other organisations say
-- which services they offer for a solution (hosting, support, further development), so a
-- Kommune without its own IT finds someone to run it. publiccode.yml's maintenance
-- contractors stay on the solution itself; this table holds offers made in Allmende.

create table service_offers
(
    organisation_id uuid        not null references organisations (id) on delete cascade,
    solution_id     uuid        not null references solutions (id) on delete cascade,
    service         text        not null check (service in ('hosting', 'support', 'development')),
    note            text        not null default '' check (char_length(note) <= 500),
    created_at      timestamptz not null default now(),
    primary key (organisation_id, solution_id, service)
);

create index service_offers_solution_idx on service_offers (solution_id);

comment on table service_offers is 'Services organisations offer for a solution (hosting, support, development)';
