"""Groups for the staff roles that work in the admin without editing pages: officers
(complaints), inspectors (inspections) and supervisors (both, across their scope). Each gives
access to the Wagtail admin only; what a member sees there is decided by the role's scope
(`portal.core.permissions`, `complaints.selectors.complaints_visible_to`). Members who already
hold such a role join its group here; later ones through `staff_groups_sync`."""

from django.db import migrations

GROUPS = {"officer": "Officers", "inspector": "Inspectors", "supervisor": "Supervisors"}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    StaffMembership = apps.get_model("core.StaffMembership")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for role, name in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for membership in StaffMembership.objects.filter(role=role).select_related("user"):
            membership.user.groups.add(group)


def delete_groups(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_region_name_en"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
