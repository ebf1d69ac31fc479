-- Idempotent API writes (issue 16): a client that retries a POST whose answer it lost sends
-- the same `Idempotency-Key` header and gets the first answer back instead of a second entry.
-- A key belongs to one caller (the SHA-256 of its Authorization header, so keys of different
-- tokens never meet) and to one request (the SHA-256 of method, path and body: the same key
-- with another request is refused). While the first request runs, `status` is null; answers
-- of 5xx are not kept (the claim is released so the retry runs again). Rows older than
-- 48 hours are swept, so a key is honoured for at least 24 hours.
create table idempotency_keys (
    caller       text        not null check (char_length(caller) = 64),
    key          text        not null check (char_length(key) between 1 and 255),
    fingerprint  text        not null check (char_length(fingerprint) = 64),
    status       smallint    check (status between 100 and 499),
    content_type text,
    location     text,
    body         bytea,
    created_at   timestamptz not null default now(),
    primary key (caller, key)
);

create index idempotency_keys_created_idx on idempotency_keys (created_at);
