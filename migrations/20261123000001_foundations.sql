-- Foundations shared by every later table.
--
-- * `set_updated_at()` keeps `updated_at` honest without every query having to remember it.
-- * `allmende_meta` is a tiny key/value table for facts about the installation itself
--   (for example that the demo catalogue has been loaded once, so it is never loaded twice).
--
-- Slugs appear in many tables; the rule is the same everywhere: lowercase ASCII letters and
-- digits in groups separated by single hyphens, 2 to 80 characters ("stadt-ulm",
-- "sperrmuell-online"). The domain below states that rule once.

create domain slug as text
    check (char_length(value) between 2 and 80
           and value ~ '^[a-z0-9]+(-[a-z0-9]+)*$');

comment on domain slug is 'URL-safe identifier: a-z, 0-9 and single hyphens, 2-80 characters';

-- An absolute http(s) URL. Other schemes (javascript:, data:, file:) are never stored.
create domain web_url as text
    check (char_length(value) <= 500 and value ~ '^https?://[^\s/$.?#][^\s]*$');

comment on domain web_url is 'Absolute http:// or https:// URL, at most 500 characters';

-- Names are sorted the German way (Ä with A, Ö with O, ß with ss; numbers by value),
-- independent of the cluster's locale. PostgreSQL from Debian, Ubuntu and the official
-- packages is built with ICU.
create collation german (provider = icu, locale = 'de-u-kn-true');

create function set_updated_at() returns trigger
    language plpgsql as
$$
begin
    new.updated_at := now();
    return new;
end;
$$;

create table allmende_meta
(
    key        text primary key check (char_length(key) <= 100),
    value      text        not null check (char_length(value) <= 1000),
    updated_at timestamptz not null default now()
);

comment on table allmende_meta is 'Facts about this installation, e.g. demo_loaded_at';
