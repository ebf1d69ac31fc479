-- The two kinds of catalogue entries: solutions (software) and data models.
--
-- Solution fields follow publiccode.yml (https://yml.publiccode.tools) so that import and
-- export are lossless: names, descriptions, URLs, licence as an SPDX expression,
-- developmentStatus, softwareType, categories, platforms, maintenance (type, contractors,
-- contacts), version and release date. German texts are primary; English texts are optional.
--
-- Nothing is ever deleted from the catalogue: entries are archived (archived_at) or hidden
-- by moderation (hidden), and every change is kept as a revision (next migration).

-- True when every element of the array is between 1 and max_len characters long.
-- Used by CHECK constraints on tag and feature lists.
create function text_items_within(items text[], max_len integer) returns boolean
    language sql immutable strict as
$$
select coalesce(bool_and(char_length(btrim(item)) between 1 and max_len), true)
from unnest(items) as item
$$;

create table solutions
(
    id                     uuid primary key     default gen_random_uuid(),
    slug                   slug        not null,
    organisation_id        uuid        not null references organisations (id),
    name                   text        not null check (char_length(btrim(name)) between 2 and 100),
    short_description      text        not null check (char_length(btrim(short_description)) between 10 and 150),
    short_description_en   text check (char_length(short_description_en) <= 150),
    long_description       text        not null default '' check (char_length(long_description) <= 20000),
    long_description_en    text check (char_length(long_description_en) <= 20000),
    repository_url         web_url     not null,
    landing_url            web_url,
    -- An SPDX licence expression such as 'EUPL-1.2' or 'EUPL-1.2 OR AGPL-3.0-or-later'.
    -- The full grammar is checked by the application; the database keeps the shape sane.
    licence                text        not null check (char_length(licence) between 2 and 200
                                                       and licence ~ '^[A-Za-z0-9.+:() -]+$'),
    development_status     text        not null check (development_status in
                                                       ('concept', 'development', 'beta', 'stable', 'obsolete')),
    software_type          text        not null check (software_type in
                                                       ('standalone/web', 'standalone/mobile', 'standalone/desktop',
                                                        'standalone/backend', 'standalone/iot', 'standalone/other',
                                                        'addon', 'library', 'configurationFiles')),
    -- publiccode.yml's closed list of categories.
    categories             text[]      not null default '{}' check (
        cardinality(categories) <= 10 and categories <@ array [
            'accounting', 'agile-project-management', 'applicant-tracking', 'application-development',
            'appointment-scheduling', 'backup', 'billing-and-invoicing', 'blog', 'budgeting',
            'business-intelligence', 'business-process-management', 'cad', 'call-center-management',
            'cloud-management', 'collaboration', 'communications', 'compliance-management',
            'contact-management', 'content-management', 'crm', 'customer-service-and-support',
            'data-analytics', 'data-collection', 'data-visualization', 'digital-asset-management',
            'digital-citizenship', 'document-management', 'donor-management', 'e-commerce',
            'e-signature', 'email-management', 'email-marketing', 'employee-management',
            'enterprise-project-management', 'enterprise-social-networking', 'erp', 'event-management',
            'facility-management', 'feedback-and-reviews-management', 'financial-reporting',
            'fleet-management', 'fundraising', 'gamification', 'geographic-information-systems',
            'grant-management', 'graphic-design', 'help-desk', 'hr', 'ide', 'instant-messaging',
            'inventory-management', 'it-asset-management', 'it-development', 'it-management',
            'it-security', 'it-service-management', 'knowledge-management', 'learning-management-system',
            'marketing', 'mind-mapping', 'mobile-marketing', 'mobile-payment', 'network-management',
            'office', 'online-booking', 'online-community', 'payment-gateway', 'payroll',
            'predictive-analysis', 'procurement', 'productivity-suite', 'project-collaboration',
            'project-management', 'property-management', 'real-estate-management', 'remote-support',
            'resource-management', 'sales-management', 'seo', 'service-desk-management',
            'social-media-management', 'survey', 'talent-management', 'task-management',
            'taxes-management', 'test-management', 'time-management', 'time-tracking', 'translation',
            'video-conferencing', 'video-editing', 'visitor-management', 'voip', 'warehouse-management',
            'web-collaboration', 'web-conferencing', 'website-builder', 'whistleblowing',
            'workflow-management']::text[]),
    platforms              text[]      not null default '{}' check (
        platforms <@ array ['web', 'windows', 'mac', 'linux', 'ios', 'android']::text[]),
    maintenance_type       text        not null check (maintenance_type in ('internal', 'contract', 'community', 'none')),
    -- [{ "name": text, "until": "YYYY-MM-DD", "email"?: text, "website"?: url }]
    maintenance_contractors jsonb      not null default '[]' check (jsonb_typeof(maintenance_contractors) = 'array'),
    -- [{ "name": text, "email"?: text, "phone"?: text, "affiliation"?: text }]
    maintenance_contacts   jsonb       not null default '[]' check (jsonb_typeof(maintenance_contacts) = 'array'),
    version                text check (char_length(version) between 1 and 50),
    release_date           date,
    tags                   text[]      not null default '{}' check (cardinality(tags) <= 20 and text_items_within(tags, 40)),
    features               text[]      not null default '{}' check (cardinality(features) <= 30 and text_items_within(features, 200)),
    -- Lineage: the entry this one was forked from. A fork always belongs to another organisation.
    forked_from            uuid references solutions (id),
    archived_at            timestamptz,
    hidden                 boolean     not null default false,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    constraint solutions_slug_key unique (slug),
    constraint solutions_not_forked_from_itself check (forked_from is distinct from id),
    -- publiccode.yml: contractors are given exactly when the maintenance type is "contract".
    constraint solutions_contractors_iff_contract check (
        (maintenance_type = 'contract') = (jsonb_array_length(maintenance_contractors) > 0))
);

create index solutions_organisation_idx on solutions (organisation_id);
create index solutions_forked_from_idx on solutions (forked_from) where forked_from is not null;
create index solutions_categories_idx on solutions using gin (categories);
create index solutions_created_idx on solutions (created_at desc);

create trigger solutions_updated_at
    before update on solutions
    for each row execute function set_updated_at();

comment on table solutions is 'Open-source software published by a public body (publiccode.yml-aligned)';

create table data_models
(
    id                uuid primary key     default gen_random_uuid(),
    slug              slug        not null,
    organisation_id   uuid        not null references organisations (id),
    name              text        not null check (char_length(btrim(name)) between 2 and 100),
    short_description text        not null check (char_length(btrim(short_description)) between 10 and 150),
    description       text        not null default '' check (char_length(description) <= 20000),
    domain            text        not null check (domain in
                                                  ('mobilitaet', 'umwelt', 'energie', 'verwaltung', 'soziales',
                                                   'bildung', 'gesundheit', 'bauen_wohnen', 'geodaten', 'finanzen',
                                                   'kultur_freizeit', 'sicherheit_ordnung', 'wirtschaft')),
    -- A JSON Schema (draft 2020-12 or draft-07) describing one record of this model.
    -- Stored as `json`, not `jsonb`, so the document keeps its authored key order and reads
    -- back the way its authors wrote it (property tables follow that order).
    json_schema       json        not null check (json_typeof(json_schema) = 'object'
                                                  and octet_length(json_schema::text) <= 262144),
    -- Example payloads, each valid against json_schema (checked by the application).
    examples          json        not null default '[]' check (json_typeof(examples) = 'array'
                                                               and octet_length(examples::text) <= 262144),
    -- Semantic version 2.0.0 (major.minor.patch, optional pre-release and build parts).
    version           text        not null check (version ~
        '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
        and char_length(version) <= 50),
    licence           text        not null check (char_length(licence) between 2 and 200
                                                  and licence ~ '^[A-Za-z0-9.+:() -]+$'),
    forked_from       uuid references data_models (id),
    archived_at       timestamptz,
    hidden            boolean     not null default false,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint data_models_slug_key unique (slug),
    constraint data_models_not_forked_from_itself check (forked_from is distinct from id)
);

create index data_models_organisation_idx on data_models (organisation_id);
create index data_models_forked_from_idx on data_models (forked_from) where forked_from is not null;
create index data_models_created_idx on data_models (created_at desc);

create trigger data_models_updated_at
    before update on data_models
    for each row execute function set_updated_at();

comment on table data_models is 'Data models (JSON Schema + examples) published by a public body';

-- Which data models a solution produces (writes, publishes) or consumes (reads, imports).
create table solution_data_models
(
    solution_id   uuid not null references solutions (id) on delete cascade,
    data_model_id uuid not null references data_models (id) on delete cascade,
    relation      text not null check (relation in ('produces', 'consumes')),
    primary key (solution_id, data_model_id, relation)
);

create index solution_data_models_model_idx on solution_data_models (data_model_id);
