"""The facts a dossier is evaluated on. Frozen: an evaluation can be replayed as of its date.

The frozen classes are msgspec Structs rather than dataclasses: the same constructor, equality,
hash, repr and immutability, without the code a dataclass generates at import (a good part of
the `evaluate` command's start-up) and built faster for each dossier (decision 011).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import NamedTuple

from msgspec import Struct

from .fiscal import FiscalYear


class Stream(IntEnum):
    """Volet: 1 autonomous community organizations, 2 national groupings."""

    ORGANIZATION = 1
    NATIONAL_GROUPING = 2


class LegalForm(StrEnum):
    QC_COMPANIES_PART3 = "qc_companies_part3"  # Loi sur les compagnies, partie III
    CANADA_NFP = "canada_nfp"  # Loi canadienne sur les organisations à but non lucratif
    OTHER = "other"


class ExcludedCategory(StrEnum):
    """The categories of clause 4."""

    PROFESSIONAL_ORDER = "professional_order"
    POLITICAL_ORGANIZATION = "political_organization"
    UNION = "union"
    RELIGIOUS_ASSOCIATION = "religious_association"
    FUNDRAISING_FOUNDATION = "fundraising_foundation"
    OTHER_MINISTRY_MISSION = "other_ministry_mission"
    MEMBERS_INTEREST_ONLY = "members_interest_only"
    CREATED_BY_PUBLIC_BODY = "created_by_public_body"


class RepaymentAgreement(StrEnum):
    NONE = "none"
    RESPECTED = "respected"
    NOT_RESPECTED = "not_respected"


class BoardStatus(StrEnum):
    CITIZEN = "citizen"
    PERMANENT_RESIDENT = "permanent_resident"
    OTHER = "other"


class BoardMember(NamedTuple):
    domiciled_in_quebec: bool
    status: BoardStatus
    volunteer: bool

    @property
    def qualifies(self) -> bool:
        """Counts toward the board majority of clause 3."""
        return (
            self.domiciled_in_quebec
            and self.volunteer
            and self.status in (BoardStatus.CITIZEN, BoardStatus.PERMANENT_RESIDENT)
        )


class Organization(NamedTuple):
    legal_form: LegalForm
    incorporation_date: date
    head_office_in_quebec: bool
    majority_of_activities_in_quebec: bool
    annual_general_meeting_held: bool
    has_debt_to_ministry: bool
    repayment_agreement: RepaymentAgreement
    commitments_respected_last_3_years: bool
    board: tuple[BoardMember, ...]
    refugee_reception: bool
    refugees_received_per_year: int
    attached_to_ministry: bool
    transferred_from_other_ministry: bool
    excluded_category: ExcludedCategory | None = None
    debt_amount: Decimal | None = None
    historic_funding: Decimal | None = None
    member_regions: tuple[str, ...] = ()


class Finances(NamedTuple):
    """Figures from the organization's own statements and budget forecast."""

    estimated_operating_costs: Decimal
    other_public_funding: Decimal  # Québec + Canada, other than this program (6.1.4)
    quebec_government_funding_other: Decimal  # Québec government only, other than this program (8)
    unrestricted_net_assets: Decimal  # last completed fiscal year of the organization (6.1.3)
    total_expenses: Decimal  # same fiscal year (6.1.3)


class Judgment(Struct, frozen=True, gc=False):
    """A partnership advisor's judgment on a criterion the facts cannot decide."""

    met: bool
    justification: str


class Territory(Struct, frozen=True, gc=False):
    """Facts about the territory of a new attachment request (5.2)."""

    attached_organizations: int
    immigrant_population: int


class Adjustment(Struct, frozen=True, gc=False):
    """An amount set or revised by the advisor where the norms allow it, with its reason."""

    amount: Decimal
    justification: str


NO_JUDGMENTS: Mapping[str, Judgment] = MappingProxyType({})


class Dossier(Struct, frozen=True, gc=False):  # no cycles: nothing for the collector
    id: str | int | None
    fiscal_year: FiscalYear
    application_date: date
    stream: Stream
    organization: Organization
    finances: Finances
    stream2_amount: Adjustment | None = None  # 6.1.2
    surplus_revision: Adjustment | None = None  # 6.1.3, downward
    judgments: Mapping[str, Judgment] = NO_JUDGMENTS  # read-only: one shared empty mapping
    territory: Territory | None = None
    agreement_year: int | None = None  # 5.4, 5.6: the year of the agreement (1 to 3)
    surplus_withdrawal: Adjustment | None = None  # 6.1.3, second sentence: judged
