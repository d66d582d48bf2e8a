"""A partnership's member list as CSV or Excel, written through wellbeing/spreadsheets.py so every
text cell that a spreadsheet would run as a formula is neutralised."""

from django.utils.text import slugify

from partnerships.models import Membership, Partnership
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, SheetData, write_csv, write_xlsx

MEMBER_HEADERS = (
    "Organisation",
    "Sector",
    "Anchor institution",
    "Representative",
    "Role",
    "Joined",
    "Left",
    "Current member",
)
MEMBER_WIDTHS = (40, 24, 12, 36, 12, 12, 12, 10)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def member_row(membership: Membership) -> tuple:
    organisation = membership.organisation
    return (
        organisation.name,
        organisation.get_sector_display(),
        _yes_no(organisation.is_anchor),
        membership.representative,
        membership.get_role_display(),
        membership.joined_on,
        membership.left_on,
        _yes_no(membership.is_current),
    )


def membership_export(
    *, partnership: Partnership, memberships: list[Membership], file_format: str
) -> tuple[bytes, str, str]:
    """The file's bytes, its content type and its name, for the given memberships (current first)."""
    rows = [member_row(membership) for membership in memberships]
    filename = f"members-{slugify(partnership.name)[:60] or 'partnership'}.{file_format}"
    if file_format == CSV:
        content = write_csv(MEMBER_HEADERS, rows)
    else:
        content = write_xlsx([SheetData(title="Members", headers=MEMBER_HEADERS, rows=rows, widths=MEMBER_WIDTHS)])
    return content, CONTENT_TYPES[file_format], filename
