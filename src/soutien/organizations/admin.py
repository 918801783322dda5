from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from soutien.core.admin import ReadOnlyAdmin, RecordAdmin

from .models import (
    BoardMember,
    FinancialStatements,
    GroupingMember,
    Membership,
    Organization,
    Region,
    RelatedParty,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    fields = (
        "full_name",
        "position",
        "domiciled_in_quebec",
        "status",
        "volunteer",
        "term_start",
        "term_end",
    )
    extra = 0
    can_delete = False
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    fields = ("user", "title", "is_active")
    raw_id_fields = ("user",)
    extra = 0
    can_delete = False


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = (
        "legal_name",
        "neq",
        "region",
        "is_national_grouping",
        "attached_to_ministry",
        "refugee_reception",
        "board_size",
        "archived_at",
    )
    list_filter = (
        "region",
        "is_national_grouping",
        "attached_to_ministry",
        "refugee_reception",
        "legal_form",
        ("archived_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("legal_name", "neq", "city")
    list_select_related = ("region",)
    inlines = (BoardMemberInline, MembershipInline)
    # Set by the Ministry's action, with its reason and journal entry (5.2), never here.
    readonly_fields = ("attached_to_ministry", "attached_since", "attached_reason")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                board_count=Count("board_members", filter=Q(board_members__term_end__isnull=True))
            )
        )

    @admin.display(description=_("membres du CA"), ordering="board_count")
    def board_size(self, organization):
        return organization.board_count


@admin.register(BoardMember)
class BoardMemberAdmin(RecordAdmin):
    list_display = (
        "full_name",
        "organization",
        "position",
        "status",
        "domiciled_in_quebec",
        "volunteer",
        "term_start",
        "term_end",
    )
    list_filter = ("organization__region", "position", "status", "volunteer")
    search_fields = ("full_name", "organization__legal_name", "organization__neq")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(GroupingMember)
class GroupingMemberAdmin(RecordAdmin):
    list_display = ("name", "grouping", "region", "neq", "joined_on", "left_on")
    list_filter = ("region",)
    search_fields = ("name", "neq", "grouping__legal_name", "grouping__neq")
    list_select_related = ("grouping", "region")
    raw_id_fields = ("grouping", "member")


@admin.register(RelatedParty)
class RelatedPartyAdmin(RecordAdmin):
    list_display = ("legal_name", "neq", "organization")
    search_fields = ("legal_name", "neq", "organization__legal_name", "organization__neq")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(FinancialStatements)
class FinancialStatementsAdmin(RecordAdmin):
    list_display = (
        "organization",
        "period_start",
        "period_end",
        "report_type",
        "total_revenue",
        "total_expenses",
        "unrestricted_net_assets",
    )
    list_filter = ("organization__region", "report_type")
    search_fields = ("organization__legal_name", "organization__neq")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ("user", "organization", "title", "is_active")
    list_filter = ("is_active", "organization__region")
    search_fields = ("user__email", "organization__legal_name", "organization__neq")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user", "organization")
