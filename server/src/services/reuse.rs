//! Reuse: the statistics of `/nachnutzung` and what the reuse page of one entry shows
//! (owner, adopters, lineage) — of what the public may see only.

use app::editing::ReuseData;
use sqlx::PgPool;

use crate::services::entries::{Entries, EntryError, EntryKind};

impl Entries {
    /// The reuse page of an entry: its owner, lineage, and which of `organisations` (the
    /// viewer's, as (slug, name)) already use it.
    pub async fn reuse_page(
        &self,
        kind: EntryKind,
        slug: &str,
        organisations: Vec<(String, String)>,
    ) -> Result<ReuseData, EntryError> {
        let summary = self.summary(kind, slug).await?;
        let (owner, adopters) = owner_and_adopters(self.pool(), kind, slug).await?;
        let adopted_by = organisations
            .iter()
            .filter(|(s, _)| adopters.contains(s))
            .map(|(s, _)| s.clone())
            .collect();
        Ok(ReuseData {
            section: kind.section().into(),
            slug: slug.to_owned(),
            name: summary.name,
            owner,
            organisations,
            adopted_by,
            lineage: self.lineage(kind, slug).await?,
        })
    }

    /// The statistics of `/nachnutzung` (kept while the catalogue does not change, see
    /// [`crate::db::aggregate`]).
    pub async fn reuse_stats(&self) -> Result<app::editing::ReuseStats, EntryError> {
        let pool = self.pool().clone();
        let computing = pool.clone();
        self.reuse_stats
            .get(&pool, EntryError::from, move || async move {
                Ok(reuse_stats(&computing).await?)
            })
            .await
    }
}

/// The owner's slug and the adopters' slugs of an entry.
async fn owner_and_adopters(
    pool: &PgPool,
    kind: EntryKind,
    slug: &str,
) -> Result<(String, Vec<String>), sqlx::Error> {
    let (owner, adopters) = match kind {
        EntryKind::Solution => (
            sqlx::query_scalar!(
                r#"
                select o.slug as "slug!"
                from solutions e join organisations o on o.id = e.organisation_id
                where e.slug = $1
                "#,
                slug
            )
            .fetch_one(pool)
            .await?,
            sqlx::query_scalar!(
                r#"
                select o.slug as "slug!"
                from adoptions a
                join organisations o on o.id = a.organisation_id
                join solutions e on e.id = a.solution_id
                where e.slug = $1
                "#,
                slug
            )
            .fetch_all(pool)
            .await?,
        ),
        EntryKind::DataModel => (
            sqlx::query_scalar!(
                r#"
                select o.slug as "slug!"
                from data_models e join organisations o on o.id = e.organisation_id
                where e.slug = $1
                "#,
                slug
            )
            .fetch_one(pool)
            .await?,
            sqlx::query_scalar!(
                r#"
                select o.slug as "slug!"
                from adoptions a
                join organisations o on o.id = a.organisation_id
                join data_models e on e.id = a.data_model_id
                where e.slug = $1
                "#,
                slug
            )
            .fetch_all(pool)
            .await?,
        ),
    };
    Ok((owner, adopters))
}

/// The reuse statistics: rankings, reuse by Bundesland, newest forks and adoptions — of
/// what the public may see only (the `visible_…` views of migration 12).
pub async fn reuse_stats(pool: &sqlx::PgPool) -> Result<app::editing::ReuseStats, sqlx::Error> {
    use app::editing::{RankedEntry, ReuseEvent};
    let top_solutions = sqlx::query_as!(
        RankedEntry,
        r#"
        select e.slug as "slug!", e.name as "name!", o.name as organisation,
               e.reuse_count::bigint as "reuse_count!"
        from visible_solutions e
        join organisations o on o.id = e.organisation_id
        where e.archived_at is null and e.reuse_count > 0
        order by e.reuse_count desc, e.name
        limit 10
        "#,
    )
    .fetch_all(pool)
    .await?;
    let top_data_models = sqlx::query_as!(
        RankedEntry,
        r#"
        select e.slug as "slug!", e.name as "name!", o.name as organisation,
               e.reuse_count::bigint as "reuse_count!"
        from visible_data_models e
        join organisations o on o.id = e.organisation_id
        where e.archived_at is null and e.reuse_count > 0
        order by e.reuse_count desc, e.name
        limit 10
        "#,
    )
    .fetch_all(pool)
    .await?;
    let by_state = sqlx::query!(
        r#"
        select o.bundesland as "bundesland!", count(*) as "count!"
        from (
            select a.organisation_id from adoptions a
            where exists (select 1 from visible_solutions s where s.id = a.solution_id)
               or exists (select 1 from visible_data_models d where d.id = a.data_model_id)
            union all select organisation_id from visible_solutions where forked_from is not null
            union all select organisation_id from visible_data_models where forked_from is not null
        ) f join visible_organisations o on o.id = f.organisation_id
        where o.bundesland is not null
        group by o.bundesland
        order by count(*) desc, o.bundesland
        "#,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| (row.bundesland, row.count))
    .collect();
    let newest_forks = sqlx::query_as!(
        ReuseEvent,
        r#"
        select section as "section!", slug as "slug!", name as "name!",
               organisation as "organisation!", at as "at!"
        from (
            select 'loesungen' as section, e.slug, e.name, o.name as organisation,
                   e.created_at::date as at
            from visible_solutions e join organisations o on o.id = e.organisation_id
            where e.forked_from is not null
            union all
            select 'datenmodelle', e.slug, e.name, o.name, e.created_at::date
            from visible_data_models e join organisations o on o.id = e.organisation_id
            where e.forked_from is not null
        ) f
        order by at desc, name
        limit 10
        "#,
    )
    .fetch_all(pool)
    .await?;
    let newest_adoptions = sqlx::query_as!(
        ReuseEvent,
        r#"
        select case when a.solution_id is not null then 'loesungen' else 'datenmodelle' end
                   as "section!",
               coalesce(s.slug, d.slug) as "slug!",
               coalesce(s.name, d.name) as "name!",
               o.name as "organisation!",
               a.created_at::date as "at!"
        from adoptions a
        join visible_organisations o on o.id = a.organisation_id
        left join visible_solutions s on s.id = a.solution_id
        left join visible_data_models d on d.id = a.data_model_id
        where coalesce(s.id, d.id) is not null
        order by a.created_at desc
        limit 10
        "#,
    )
    .fetch_all(pool)
    .await?;
    Ok(app::editing::ReuseStats {
        top_solutions,
        top_data_models,
        by_state,
        newest_forks,
        newest_adoptions,
    })
}
