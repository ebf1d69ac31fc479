-- Public bodies and the people who act for them.
--
-- An organisation is a Kommune, Landkreis, Land, Bundesbehörde, Zweckverband, Stadtwerk,
-- kommunaler IT-Dienstleister or Verein. Territorial bodies carry their Amtlicher
-- Gemeindeschlüssel (AGS, 8 digits) and Bundesland; the size class groups municipalities
-- of similar population so that "Kommunen wie meine" can find peers.

create table organisations
(
    id            uuid primary key     default gen_random_uuid(),
    slug          slug        not null,
    name          text        not null check (char_length(btrim(name)) between 2 and 200),
    kind          text        not null check (kind in ('gemeinde', 'stadt', 'landkreis', 'land', 'bund',
                                                       'zweckverband', 'stadtwerk', 'it_dienstleister',
                                                       'verein')),
    -- ISO 3166-2:DE subdivision code without the "DE-" prefix; null only for federal bodies
    -- and bodies that work across Länder.
    bundesland    text check (bundesland in ('BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI',
                                             'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH')),
    -- Amtlicher Gemeindeschlüssel: 2 digits Land, 1 Regierungsbezirk, 2 Kreis, 3 Gemeinde.
    ags           text check (ags ~ '^[0-9]{8}$'),
    size_class    text check (size_class in ('unter_5000', '5000_bis_20000', '20000_bis_100000',
                                             '100000_bis_500000', 'ueber_500000')),
    website       web_url,
    contact_email text check (char_length(contact_email) <= 254 and contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    description   text        not null default '' check (char_length(description) <= 2000),
    -- Site administrators can hide an organisation (and with it its entries) from the public.
    hidden        boolean     not null default false,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint organisations_slug_key unique (slug),
    -- The first two digits of an AGS are the Land; they must agree with the Bundesland.
    constraint organisations_ags_matches_bundesland check (
        ags is null or bundesland is null or substr(ags, 1, 2) = case bundesland
            when 'SH' then '01' when 'HH' then '02' when 'NI' then '03' when 'HB' then '04'
            when 'NW' then '05' when 'HE' then '06' when 'RP' then '07' when 'BW' then '08'
            when 'BY' then '09' when 'SL' then '10' when 'BE' then '11' when 'BB' then '12'
            when 'MV' then '13' when 'SN' then '14' when 'ST' then '15' when 'TH' then '16' end)
);

create unique index organisations_ags_key on organisations (ags) where ags is not null;
create index organisations_bundesland_idx on organisations (bundesland);

create trigger organisations_updated_at
    before update on organisations
    for each row execute function set_updated_at();

comment on table organisations is 'Public bodies that publish, fork and adopt entries';

-- People. E-mail addresses are unique regardless of case; the password hash is a PHC
-- string (Argon2id). Accounts are created by registration or the admin CLI, never by default.
create table users
(
    id            uuid primary key     default gen_random_uuid(),
    email         text        not null check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    display_name  text        not null check (char_length(btrim(display_name)) between 1 and 120),
    password_hash text        not null check (char_length(password_hash) <= 255),
    is_site_admin boolean     not null default false,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create unique index users_email_key on users (lower(email));

create trigger users_updated_at
    before update on users
    for each row execute function set_updated_at();

-- Who acts for which organisation, and how: admins manage members and tokens.
create table memberships
(
    user_id         uuid        not null references users (id) on delete cascade,
    organisation_id uuid        not null references organisations (id) on delete cascade,
    role            text        not null check (role in ('admin', 'member')),
    created_at      timestamptz not null default now(),
    primary key (user_id, organisation_id)
);

create index memberships_organisation_idx on memberships (organisation_id);
