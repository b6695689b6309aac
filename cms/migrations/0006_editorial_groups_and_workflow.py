"""The editorial process: the groups that give staff their base rights, and the two-person review.

- "Editors" (Wagtail's own group): add, change and lock pages anywhere in the tree.
- "Reviewers" (new): add, change, publish, lock and unlock pages; images and documents like
  Wagtail's Moderators.
  Staff get into these groups by their staff memberships (portal.core.services); their scope then
  narrows the rights page by page (cms/permissions.py).
- The workflow "Two-person review" with one `AuthorityReviewTask`, on the root of the tree (in
  place of Wagtail's "Moderators approval", so every page is reviewed by a reviewer of its scope)
  and on the lists of typical cases and of inspection result notices in every language.
"""

from django.db import migrations

WORKFLOW_NAME = "Two-person review"
TASK_NAME = "Approval by a reviewer of the authority"
EDITOR_PAGE_PERMISSIONS = ("add", "change", "lock")
REVIEWER_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
REVIEWED_INDEX_MODELS = ("typicalcaseindexpage", "inspectionresultnoticeindexpage")


def _page_permission(Permission, ContentType, action):
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    return Permission.objects.get(content_type=page_type, codename=f"{action}_page")


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    AuthorityReviewTask = apps.get_model("cms.AuthorityReviewTask")

    root = Page.objects.get(depth=1)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )

    # Groups -------------------------------------------------------------------------------
    editors, _ = Group.objects.get_or_create(name="Editors")
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    moderators = Group.objects.filter(name="Moderators").first()
    for group, actions in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (reviewers, REVIEWER_PAGE_PERMISSIONS),
    ):
        group.permissions.add(access_admin)
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=_page_permission(Permission, ContentType, action),
            )
    if moderators is not None:  # images and documents: as Wagtail gives its Moderators
        reviewers.permissions.add(*moderators.permissions.all())
        for grant in GroupCollectionPermission.objects.filter(group=moderators):
            GroupCollectionPermission.objects.get_or_create(
                group=reviewers,
                collection_id=grant.collection_id,
                permission_id=grant.permission_id,
            )

    # The workflow -------------------------------------------------------------------------
    task_type, _ = ContentType.objects.get_or_create(app_label="cms", model="authorityreviewtask")
    task = AuthorityReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = AuthorityReviewTask.objects.create(
            name=TASK_NAME, content_type=task_type, active=True
        )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )

    reviewed = [
        root.pk,
        *Page.objects.filter(
            content_type__app_label="cms", content_type__model__in=REVIEWED_INDEX_MODELS
        ).values_list("pk", flat=True),
    ]
    for page_id in reviewed:
        WorkflowPage.objects.update_or_create(page_id=page_id, defaults={"workflow": workflow})


def remove(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    Task = apps.get_model("wagtailcore.Task")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.delete()
    Task.objects.filter(name=TASK_NAME, content_type__app_label="cms").delete()
    moderation = Workflow.objects.filter(name="Moderators approval").first()
    if moderation is not None:
        WorkflowPage.objects.get_or_create(
            page=Page.objects.get(depth=1), defaults={"workflow": moderation}
        )
    Group.objects.filter(name="Reviewers").delete()
    GroupPagePermission.objects.filter(
        group__name="Editors", permission=_page_permission(Permission, ContentType, "lock")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_authorityreviewtask"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create, remove)]
