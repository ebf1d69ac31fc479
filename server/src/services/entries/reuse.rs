//! Reuse as recorded facts: forks (content copied into another organisation, origin
//! recorded, first revision "Fork von …"), adoptions ("Wir nutzen das": status, since when,
//! contact, note; changed or withdrawn), and the lineage tree of an entry.

use app::editing::{AdoptionInput, LineageNode};
use app::model::AdoptionStatus;
use app::validation::{FieldError, FieldErrors, parse_email, parse_text};
use uuid::Uuid;

use super::{Entries, EntryError, EntryKind, editable_org};
use crate::accounts::authz::Actor;

/// The organisation the actor writes for, checked together with the other fields: its
/// error joins theirs, and any error stops the write.
/// What a fork's first revision message starts with: "Fork von {origin} ({organisation})".
const FORK_MESSAGE_PREFIX: &str = "Fork von ";

/// The first revision message of a fork.
fn fork_message(origin_name: &str, origin_organisation: &str) -> String {
    format!("{FORK_MESSAGE_PREFIX}{origin_name} ({origin_organisation})")
}

/// A fork's first revision message while the public may not see its origin: the message
/// the fork wrote names the origin, so it is replaced; any other message stays.
pub(super) fn withheld_fork_message(message: String) -> String {
    if message.starts_with(FORK_MESSAGE_PREFIX) {
        "Fork von: Ursprung nicht öffentlich".to_owned()
    } else {
        message
    }
}

/// Keeps the visible nodes of a lineage (in tree order, with whether the public may see
/// each) and, as anonymous placeholders, the hidden ones that are an origin of a visible
/// node; hidden nodes with nothing visible below them are left out.
fn public_lineage(nodes: Vec<(LineageNode, bool)>) -> Vec<LineageNode> {
    let mut keep = vec![false; nodes.len()];
    // The indices of the current node's ancestors, by depth.
    let mut path: Vec<usize> = Vec::new();
    for (i, (node, public)) in nodes.iter().enumerate() {
        path.truncate(node.depth);
        if *public {
            keep[i] = true;
            for &ancestor in path.iter().rev() {
                if std::mem::replace(&mut keep[ancestor], true) {
                    break;
                }
            }
        }
        path.push(i);
    }
    nodes
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|((node, public), _)| {
            if public {
                node
            } else {
                LineageNode::withheld(node.depth)
            }
        })
        .collect()
}

async fn org_or_errors(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    slug: &str,
    mut errors: FieldErrors,
) -> Result<Uuid, EntryError> {
    match editable_org(conn, actor, slug).await {
        Ok(org) if errors.is_empty() => Ok(org),
        Ok(_) => Err(EntryError::Invalid(errors)),
        Err(EntryError::Invalid(more)) => {
            errors.extend(more);
            Err(EntryError::Invalid(errors))
        }
        Err(other) => Err(other),
    }
}

impl Entries {
    /// Forks an entry the public may see into one of the actor's organisations; returns the
    /// fork's slug.
    pub async fn fork(
        &self,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
        target: &str,
    ) -> Result<String, EntryError> {
        let origin = match kind {
            EntryKind::Solution => sqlx::query!(
                r#"select e.id as "id!", e.name as "name!", o.name as org_name, o.slug as org_slug from visible_solutions e join organisations o on o.id = e.organisation_id where e.slug = $1"#,
                slug,
            )
            .map(|r| (r.id, r.name, r.org_name, r.org_slug))
            .fetch_optional(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                r#"select e.id as "id!", e.name as "name!", o.name as org_name, o.slug as org_slug from visible_data_models e join organisations o on o.id = e.organisation_id where e.slug = $1"#,
                slug,
            )
            .map(|r| (r.id, r.name, r.org_name, r.org_slug))
            .fetch_optional(&self.pool)
            .await?,
        };
        let (origin_id, origin_name, origin_org, origin_org_slug) =
            origin.ok_or(EntryError::NotFound)?;
        if origin_org_slug == target {
            return Err(EntryError::field(
                "organisation",
                FieldError::ForkIntoSameOrganisation,
            ));
        }
        let message = fork_message(&origin_name, &origin_org);
        let new_slug = match kind {
            EntryKind::Solution => {
                let mut input = self.solution_input(slug).await?;
                input.organisation = target.to_owned();
                input.slug = String::new();
                input.change_message = message;
                self.create_solution(actor, &input).await?
            }
            EntryKind::DataModel => {
                let mut input = self.data_model_input(slug).await?;
                input.organisation = target.to_owned();
                input.slug = String::new();
                input.change_message = message;
                self.create_data_model(actor, &input).await?
            }
        };
        match kind {
            EntryKind::Solution => {
                sqlx::query!(
                    "update solutions set forked_from = $2 where slug = $1",
                    &new_slug,
                    origin_id,
                )
                .execute(&self.pool)
                .await?
            }
            EntryKind::DataModel => {
                sqlx::query!(
                    "update data_models set forked_from = $2 where slug = $1",
                    &new_slug,
                    origin_id,
                )
                .execute(&self.pool)
                .await?
            }
        };
        Ok(new_slug)
    }

    /// Records or changes that an organisation uses an entry.
    pub async fn adopt(
        &self,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
        input: &AdoptionInput,
    ) -> Result<(), EntryError> {
        let mut errors = FieldErrors::new();
        let status = AdoptionStatus::parse(input.status.trim()).ok_or(FieldError::InvalidChoice);
        let since = app::entry_rules::parse_date(&input.since);
        let contact_name = if input.contact_name.trim().is_empty() {
            Ok(None)
        } else {
            parse_text(&input.contact_name, 1, 200).map(Some)
        };
        let contact_email = if input.contact_email.trim().is_empty() {
            Ok(None)
        } else {
            parse_email(&input.contact_email).map(Some)
        };
        let note = if input.note.chars().count() > 1000 {
            Err(FieldError::TooLong { max: 1000 })
        } else {
            Ok(input.note.trim().to_owned())
        };
        for (field, result) in [
            ("status", status.clone().map(|_| ())),
            ("since", since.clone().map(|_| ())),
            ("contact_name", contact_name.clone().map(|_| ())),
            ("contact_email", contact_email.clone().map(|_| ())),
            ("note", note.clone().map(|_| ())),
        ] {
            if let Err(e) = result {
                errors.insert(field.into(), e);
            }
        }
        let mut tx = self.pool.begin().await?;
        let org = org_or_errors(&mut tx, actor, input.organisation.trim(), errors).await?;
        let entry = match kind {
            EntryKind::Solution => {
                sqlx::query_scalar!(
                    r#"select id as "id!" from visible_solutions where slug = $1"#,
                    slug
                )
                .fetch_optional(&mut *tx)
                .await?
            }
            EntryKind::DataModel => {
                sqlx::query_scalar!(
                    r#"select id as "id!" from visible_data_models where slug = $1"#,
                    slug
                )
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let entry = entry.ok_or(EntryError::NotFound)?;
        let (status, since, contact_name, contact_email, note) = (
            status.ok().map(|s| s.as_str()),
            since.ok(),
            contact_name.ok().flatten(),
            contact_email.ok().flatten(),
            note.unwrap_or_default(),
        );
        let updated = match kind {
            EntryKind::Solution => sqlx::query!(
                "update adoptions set status = $3, since = $4, contact_name = $5, contact_email = $6, note = $7 where organisation_id = $1 and solution_id = $2",
                org,
                entry,
                status,
                since,
                contact_name.as_deref(),
                contact_email.as_deref(),
                &note,
            )
            .execute(&mut *tx)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                "update adoptions set status = $3, since = $4, contact_name = $5, contact_email = $6, note = $7 where organisation_id = $1 and data_model_id = $2",
                org,
                entry,
                status,
                since,
                contact_name.as_deref(),
                contact_email.as_deref(),
                &note,
            )
            .execute(&mut *tx)
            .await?,
        };
        if updated.rows_affected() == 0 {
            match kind {
                EntryKind::Solution => sqlx::query!(
                    "insert into adoptions (organisation_id, solution_id, status, since, contact_name, contact_email, note) values ($1, $2, $3, $4, $5, $6, $7)",
                    org,
                    entry,
                    status,
                    since,
                    contact_name.as_deref(),
                    contact_email.as_deref(),
                    &note,
                )
                .execute(&mut *tx)
                .await?,
                EntryKind::DataModel => sqlx::query!(
                    "insert into adoptions (organisation_id, data_model_id, status, since, contact_name, contact_email, note) values ($1, $2, $3, $4, $5, $6, $7)",
                    org,
                    entry,
                    status,
                    since,
                    contact_name.as_deref(),
                    contact_email.as_deref(),
                    &note,
                )
                .execute(&mut *tx)
                .await?,
            };
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets the services an organisation offers for a solution (none withdraws the offer).
    pub async fn offer_services(
        &self,
        actor: &Actor,
        slug: &str,
        organisation: &str,
        services: &[String],
        note: &str,
    ) -> Result<(), EntryError> {
        let mut errors = FieldErrors::new();
        let kinds: Vec<app::model::ServiceKind> = services
            .iter()
            .filter_map(|s| app::model::ServiceKind::parse(s.trim()))
            .collect();
        if kinds.len() != services.iter().filter(|s| !s.trim().is_empty()).count() {
            errors.insert("services".into(), FieldError::InvalidChoice);
        }
        if note.chars().count() > 500 {
            errors.insert("offer_note".into(), FieldError::TooLong { max: 500 });
        }
        let mut tx = self.pool.begin().await?;
        let org = org_or_errors(&mut tx, actor, organisation.trim(), errors).await?;
        let solution: Option<(Uuid,)> = sqlx::query!(
            r#"select id as "id!" from visible_solutions where slug = $1"#,
            slug,
        )
        .map(|r| (r.id,))
        .fetch_optional(&mut *tx)
        .await?;
        let (solution,) = solution.ok_or(EntryError::NotFound)?;
        sqlx::query!(
            "delete from service_offers where organisation_id = $1 and solution_id = $2",
            org,
            solution
        )
        .execute(&mut *tx)
        .await?;
        for kind in kinds {
            sqlx::query!(
                "insert into service_offers (organisation_id, solution_id, service, note) values ($1, $2, $3, $4) on conflict do nothing",
                org,
                solution,
                kind.as_str(),
                note.trim(),
            )
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Withdraws an organisation's adoption.
    pub async fn withdraw(
        &self,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
        organisation: &str,
    ) -> Result<(), EntryError> {
        let mut tx = self.pool.begin().await?;
        let org = editable_org(&mut tx, actor, organisation).await?;
        match kind {
            EntryKind::Solution => sqlx::query!(
                "delete from adoptions where organisation_id = $1 and solution_id = (select id from solutions where slug = $2)",
                org,
                slug,
            )
            .execute(&mut *tx)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                "delete from adoptions where organisation_id = $1 and data_model_id = (select id from data_models where slug = $2)",
                org,
                slug,
            )
            .execute(&mut *tx)
            .await?,
        };
        tx.commit().await?;
        Ok(())
    }

    /// The whole lineage of an entry the public may see: from its root down through every
    /// generation of forks, in tree order. Entries the public may not see appear only as the
    /// anonymous origin of visible ones ([`LineageNode::withheld`]); asking for such an entry
    /// itself is `NotFound`.
    pub async fn lineage(
        &self,
        kind: EntryKind,
        slug: &str,
    ) -> Result<Vec<LineageNode>, EntryError> {
        let (table, visible) = (kind.table(), kind.visible_table());
        let public = match kind {
            EntryKind::Solution => sqlx::query_scalar!(
                r#"select exists (select 1 from visible_solutions where slug = $1) as "public!""#,
                slug,
            )
            .fetch_one(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query_scalar!(
                r#"select exists (select 1 from visible_data_models where slug = $1) as "public!""#,
                slug,
            )
            .fetch_one(&self.pool)
            .await?,
        };
        if !public {
            return Err(EntryError::NotFound);
        }
        // The tree is walked through hidden entries too, so that visible forks below a hidden
        // one keep their place; `public` decides what is shown of each. Siblings sort by name,
        // then id, so that a subtree never interleaves with a namesake sibling's.
        // Dynamic SQL: one recursive walk over the kind's table and view; two copies of it would drift.
        let rows: Vec<(String, String, String, i32, bool, bool)> = sqlx::query_as(&format!(
            r#"
            with recursive up as (
                select id, forked_from, 0 as steps from {table} where slug = $1
                union all
                select e.id, e.forked_from, up.steps + 1 from {table} e join up on e.id = up.forked_from where up.steps < 50
            ), root as (
                select id from up order by steps desc limit 1
            ), down as (
                select e.id, e.slug, e.name, e.organisation_id, 0 as depth, array[e.name::text, e.id::text] as sort_path
                from {table} e join root on e.id = root.id
                union all
                select e.id, e.slug, e.name, e.organisation_id, down.depth + 1, down.sort_path || e.name::text || e.id::text
                from {table} e join down on e.forked_from = down.id
                where down.depth < 50
            )
            select d.slug, d.name, o.name, d.depth, d.slug = $1, v.id is not null
            from down d join organisations o on o.id = d.organisation_id
            left join {visible} v on v.id = d.id
            order by d.sort_path
            "#
        ))
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        let nodes = rows
            .into_iter()
            .map(|(slug, name, organisation, depth, current, public)| {
                (
                    LineageNode {
                        slug,
                        name,
                        organisation,
                        depth: depth as usize,
                        current,
                        public,
                    },
                    public,
                )
            })
            .collect();
        Ok(public_lineage(nodes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, depth: usize) -> (LineageNode, bool) {
        let public = !name.starts_with("verborgen");
        let node = LineageNode {
            slug: name.into(),
            name: name.into(),
            organisation: "Org".into(),
            depth,
            current: false,
            public,
        };
        (node, public)
    }

    #[test]
    fn a_hidden_origin_of_visible_forks_stays_as_an_anonymous_placeholder() {
        let tree = public_lineage(vec![
            node("verborgen-a", 0),
            node("b", 1),
            node("verborgen-c", 1),
            node("d", 2),
        ]);
        let shape: Vec<(&str, usize, bool)> = tree
            .iter()
            .map(|n| (n.slug.as_str(), n.depth, n.public))
            .collect();
        assert_eq!(
            shape,
            [
                ("", 0, false),
                ("b", 1, true),
                ("", 1, false),
                ("d", 2, true)
            ]
        );
        assert!(
            tree.iter()
                .all(|n| !n.name.contains("verborgen") && !n.slug.contains("verborgen"))
        );
    }

    #[test]
    fn hidden_forks_with_nothing_visible_below_them_are_left_out() {
        let tree = public_lineage(vec![
            node("a", 0),
            node("verborgen-b", 1),
            node("verborgen-c", 2),
            node("d", 1),
        ]);
        let slugs: Vec<&str> = tree.iter().map(|n| n.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "d"]);
    }

    #[test]
    fn only_the_fork_message_of_a_withheld_origin_is_replaced() {
        assert_eq!(
            withheld_fork_message(fork_message("Geheim", "Stadt X")),
            "Fork von: Ursprung nicht öffentlich"
        );
        assert_eq!(withheld_fork_message("Bearbeitet".into()), "Bearbeitet");
    }
}
