-- publiccode.yml import and export (issue 7).
--
-- 1. Solution categories follow the current publiccode.yml standard, as the reference
--    validator (italia/publiccode-parser-go) applies it: "service-desk-management" is now
--    "service-desk", and design, design-system, educational-content, identity-management,
--    integrated-library-system, regulations-and-directives and other were added. Without
--    this, an imported file could name a category the catalogue refuses, and an export
--    could carry one the standard refuses.
alter table solutions drop constraint solutions_categories_check;

update solutions
set categories = array_replace(categories, 'service-desk-management', 'service-desk')
where 'service-desk-management' = any(categories);

alter table solutions add constraint solutions_categories_check check (
    categories <@ array[
            'accounting', 'agile-project-management', 'applicant-tracking', 'application-development',
            'appointment-scheduling', 'backup', 'billing-and-invoicing', 'blog', 'budgeting',
            'business-intelligence', 'business-process-management', 'cad', 'call-center-management',
            'cloud-management', 'collaboration', 'communications', 'compliance-management',
            'contact-management', 'content-management', 'crm', 'customer-service-and-support',
            'data-analytics', 'data-collection', 'data-visualization', 'design', 'design-system',
            'digital-asset-management', 'digital-citizenship', 'document-management', 'donor-management',
            'e-commerce', 'e-signature', 'educational-content', 'email-management', 'email-marketing',
            'employee-management', 'enterprise-project-management', 'enterprise-social-networking', 'erp',
            'event-management', 'facility-management', 'feedback-and-reviews-management',
            'financial-reporting', 'fleet-management', 'fundraising', 'gamification',
            'geographic-information-systems', 'grant-management', 'graphic-design', 'help-desk', 'hr',
            'ide', 'identity-management', 'instant-messaging', 'integrated-library-system',
            'inventory-management', 'it-asset-management', 'it-development', 'it-management',
            'it-security', 'it-service-management', 'knowledge-management', 'learning-management-system',
            'marketing', 'mind-mapping', 'mobile-marketing', 'mobile-payment', 'network-management',
            'office', 'online-booking', 'online-community', 'payment-gateway', 'payroll',
            'predictive-analysis', 'procurement', 'productivity-suite', 'project-collaboration',
            'project-management', 'property-management', 'real-estate-management',
            'regulations-and-directives', 'remote-support', 'resource-management', 'sales-management',
            'seo', 'service-desk', 'social-media-management', 'survey', 'talent-management',
            'task-management', 'taxes-management', 'test-management', 'time-management', 'time-tracking',
            'translation', 'video-conferencing', 'video-editing', 'visitor-management', 'voip',
            'warehouse-management', 'web-collaboration', 'web-conferencing', 'website-builder',
            'whistleblowing', 'workflow-management', 'other'
    ]::text[]);

-- 2. An import finds the solution it updates by its repository URL, compared without case,
--    trailing slashes or a ".git" suffix (the same key as `publiccode_io::repository_key`).
create index solutions_repository_key on solutions (regexp_replace(lower(repository_url), '(\.git)?/*$', ''));
