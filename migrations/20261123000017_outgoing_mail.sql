-- Mail that Allmende wants to send. Allmende has no mail transport of its own: it writes
-- each message here (and logs "outgoing mail recorded" at info level with the row id), and
-- the operator routes the rows, e.g. a job that reads the unsent rows, hands them to the
-- local mail server and sets sent_at. See "E-Mails" in the README.
--
-- The first messages are the answers to a registration: a welcome for a new account, and
-- for an address that already has one a notice to its owner. The registration page itself
-- answers both the same way, so it does not tell whether an address has an account.

create table outgoing_mail
(
    id         bigint generated always as identity primary key,
    -- What the message is about, so an operator can route or drop kinds separately.
    kind       text        not null check (kind in ('account.welcome', 'account.registration_attempt')),
    recipient  text        not null check (char_length(recipient) <= 254),
    subject    text        not null check (char_length(subject) between 1 and 200),
    body       text        not null check (char_length(body) between 1 and 10000),
    created_at timestamptz not null default now(),
    -- Set by whatever delivers the message; null while it waits.
    sent_at    timestamptz
);

-- The delivery job reads what waits, oldest first.
create index outgoing_mail_unsent_idx on outgoing_mail (created_at) where sent_at is null;
-- Registration looks up recent messages to one address (at most one notice an hour).
create index outgoing_mail_recipient_idx on outgoing_mail (lower(recipient), created_at);

comment on table outgoing_mail is 'Mail waiting for the operator''s delivery (Allmende sends none itself)';
