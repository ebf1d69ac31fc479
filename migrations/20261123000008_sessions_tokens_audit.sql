-- Accounts in use: sessions, invitations, API tokens and the audit log.
--
-- Secrets never reach the database in clear: session ids, invitation codes and API tokens
-- are random 256-bit values handed to their owner once; only their SHA-256 digest is stored,
-- so a copy of the database does not let anyone act as a user.

-- Browser sessions. A session ends after 30 minutes without a request or 12 hours after
-- login, whichever comes first (enforced when it is read), at logout, and for all of a
-- user's sessions when the password changes.
create table sessions
(
    id_hash      bytea primary key check (octet_length(id_hash) = 32),
    user_id      uuid        not null references users (id) on delete cascade,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    user_agent   text        not null default '' check (char_length(user_agent) <= 300)
);

create index sessions_user_idx on sessions (user_id);
create index sessions_last_seen_idx on sessions (last_seen_at);

comment on table sessions is 'Logged-in browser sessions; the cookie holds the id, this table its SHA-256 digest';

-- Invitations: an organisation admin invites an e-mail address; the link (which carries the
-- code) can be passed on by any channel, no mail server is needed. Accepting needs an
-- account with that e-mail address. An invitation is valid for 14 days and used once.
create table invitations
(
    id              uuid primary key     default gen_random_uuid(),
    organisation_id uuid        not null references organisations (id) on delete cascade,
    email           text        not null check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    role            text        not null check (role in ('admin', 'member')),
    code_hash       bytea       not null unique check (octet_length(code_hash) = 32),
    invited_by      uuid references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    expires_at      timestamptz not null default now() + interval '14 days',
    accepted_at     timestamptz,
    revoked_at      timestamptz
);

create index invitations_organisation_idx on invitations (organisation_id);

comment on table invitations is 'Open and used invitations into organisations; the link carries the code, this table its digest';

-- API tokens belong to an organisation and act for it in the JSON API. The token is shown
-- once at creation; `prefix` (its first characters) lets people tell tokens apart.
create table api_tokens
(
    id              uuid primary key     default gen_random_uuid(),
    organisation_id uuid        not null references organisations (id) on delete cascade,
    name            text        not null check (char_length(btrim(name)) between 1 and 100),
    prefix          text        not null check (char_length(prefix) between 4 and 16),
    token_hash      bytea       not null unique check (octet_length(token_hash) = 32),
    created_by      uuid references users (id) on delete set null,
    created_at      timestamptz not null default now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);

create index api_tokens_organisation_idx on api_tokens (organisation_id);

comment on table api_tokens is 'Named tokens for the JSON API, per organisation; only digests are stored';

-- Security events, append-only: logins and failed logins, registrations, password changes,
-- role changes, invitations, token creation and revocation, hiding. Organisation admins
-- read the events of their organisation, site administrators all of them.
create table audit_log
(
    id              bigint generated always as identity primary key,
    at              timestamptz not null default now(),
    event           text        not null check (event ~ '^[a-z_.]{3,60}$'),
    -- Who acted: a user, or null for anonymous attempts and the command line.
    actor_id        uuid references users (id) on delete set null,
    -- The e-mail address given, kept for failed logins against unknown accounts.
    actor_email     text check (char_length(actor_email) <= 254),
    organisation_id uuid references organisations (id) on delete set null,
    -- 'web', 'api' or 'cli'.
    channel         text        not null check (channel in ('web', 'api', 'cli')),
    ip              text check (char_length(ip) <= 64),
    detail          jsonb       not null default '{}'::jsonb check (jsonb_typeof(detail) = 'object')
);

create index audit_log_organisation_idx on audit_log (organisation_id, at desc);
create index audit_log_at_idx on audit_log (at desc);

comment on table audit_log is 'Append-only record of security-relevant events';
