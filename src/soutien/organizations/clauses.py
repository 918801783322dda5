"""The descriptif's own words for each eligibility criterion, shown beside the finding.

Every quote is taken word for word from *Programme Soutien à la mission — Descriptif
2018-2020*; « […] » joins two passages of the same clause. A test checks that each passage
appears in the descriptif.
"""

from __future__ import annotations

ELLIPSIS = " […] "

QUOTES: dict[str, str] = {
    "main_mission": (
        "Renforcer et appuyer l’action des organismes communautaires autonomes et des "
        "regroupements nationaux d’organismes communautaires dont la mission principale :"
        " […] est de faire en sorte que les personnes immigrantes puissent réaliser leurs "
        "démarches avec célérité de manière qu’elles puissent participer pleinement, en "
        "français, à la vie collective […] ou vise à appuyer l’édification de collectivités "
        "plus accueillantes et inclusives"
    ),
    "commitments_respected": (
        "un organisme doit, au cours des trois dernières années, avoir respecté ses engagements "
        "envers le Ministère dans le cadre de toute aide financière octroyée, et ce, quel que "
        "soit le programme."
    ),
    "contributes_to_participation": (
        "Contribuer, par l’offre de services d’accueil, de francisation de base et à visée "
        "professionnelle, de soutien à l’installation et à l’inclusion sociale et économique et "
        "par des projets en matière de relations interculturelles, à la pleine participation, en "
        "français, des personnes immigrantes à la vie collective"
    ),
    "stable_continuous_action": (
        "Démontrer une stabilité et une continuité d’action dans les activités menées au cours "
        "des trois dernières années dans les domaines relevant prioritairement du Ministère; "
        "cette condition s’applique seulement aux organismes du volet 1"
    ),
    "non_profit_legally_constituted": (
        "être un organisme à but non lucratif […] légalement constitué […] Sont visés les "
        "organismes à but non lucratif constitués en vertu de la 3e partie de la Loi sur les "
        "compagnies. Les organismes constitués en vertu de la 2e partie de la Loi canadienne sur "
        "les organisations à but non lucratif sont admissibles si leur siège est au Québec et "
        "s’ils y réalisent la majorité de leurs activités."
    ),
    "charter_objects_compatible": (
        "dont les objets inscrits à sa charte sont compatibles avec les objectifs du Programme"
    ),
    "community_rooted": "démontrer un enracinement dans la communauté",
    "associative_democratic_life": "entretenir une vie associative et démocratique",
    "free_to_determine_mission": (
        "être libre de déterminer sa mission, ses approches, ses orientations et ses pratiques"
    ),
    "community_initiative": "avoir été constitué à l’initiative de la communauté",
    "own_social_mission": (
        "poursuivre une mission sociale qui lui est propre et qui favorise la transformation "
        "sociale"
    ),
    "citizen_practices": (
        "faire preuve de pratiques citoyennes et d’approches larges axées sur la globalité de la "
        "problématique abordée"
    ),
    "board_independent": (
        "être dirigé par un conseil d’administration indépendant du réseau public"
    ),
    "annual_general_meeting": "tenir chaque année une assemblée générale annuelle",
    "french_language_charter": (
        "respecter les dispositions de la Charte de la langue française applicables"
    ),
    "head_office_in_quebec": "avoir son siège au Québec",
    "board_democratically_elected": (
        "être dirigé par un conseil de direction ou d’administration, élu démocratiquement"
    ),
    "board_majority_qualified": (
        "formé majoritairement de personnes domiciliées au Québec, qui possèdent la citoyenneté "
        "canadienne ou le statut de résident permanent et qui prêtent leur concours à "
        "l’organisme à titre bénévole"
    ),
    "legal_existence_two_years": (
        "avoir, au moment de la présentation de la demande d’aide financière, une existence "
        "légale d’au moins deux ans"
    ),
    "regular_activities_two_years": (
        "exercer des activités de façon régulière pour ses membres ou la population depuis la "
        "même période de temps"
    ),
    "certification_commitment": (
        "s’engager dans un processus de certification visant à reconnaître les capacités de "
        "gestion, l’effet des activités sur la clientèle et la pertinence dans le milieu"
    ),
    "not_excluded_category": (
        "Même s’ils répondent aux critères énoncés à la clause 3, les organismes suivants ne sont "
        "pas admissibles à l’aide financière"
    ),
    "no_unsettled_debt": (
        "les organismes qui sont endettés envers le Ministère et qui n’ont pas conclu d’entente "
        "de remboursement avec lui ou qui ne respectent pas une telle entente"
    ),
    "not_otherwise_excluded": "Cette liste n’est pas exhaustive.",
    "stream1_services": (
        "les organismes soutenus doivent contribuer, par l’offre de services d’accueil, de "
        "francisation de base et à visée professionnelle, de soutien à l’installation et à "
        "l’inclusion sociale et économique et par des projets en matière de relations "
        "interculturelles, à la pleine participation, en français, des personnes immigrantes à "
        "la vie collective, à l’établissement durable en région"
    ),
    "stream2_member_regions": (
        "Avoir des membres provenant de la majorité des 17 régions administratives du Québec "
        "[…] Si le nombre d’organismes de base touchés par le regroupement est faible, ce "
        "dernier peut être considéré comme national s’il regroupe la majorité des organismes "
        "de base du secteur"
    ),
    "stream2_national_representation": (
        "intervenir principalement auprès des titulaires de charges publiques et autres "
        "instances nationales"
    ),
    "stream2_gathers_most_organizations": (
        "Dans le cas d’un regroupement sectoriel, regrouper la plupart des organismes "
        "communautaires […] Dans le cas d’un regroupement intrasectoriel, regrouper la plupart "
        "des organismes communautaires engagés dans un volet de la mission du Ministère"
    ),
}

# Clause 4: the excluded category itself, quoted when the organization says it belongs to one.
CATEGORY_QUOTES: dict[str, str] = {
    "professional_order": "les ordres professionnels",
    "political_organization": "les organisations politiques",
    "union": "les organisations syndicales",
    "religious_association": "les associations à caractère religieux",
    "fundraising_foundation": (
        "les fondations dont la mission consiste essentiellement à recueillir et à redistribuer "
        "des fonds"
    ),
    "other_ministry_mission": (
        "les organismes dont la mission relève prioritairement d’un autre ministère (peu importe "
        "que ce ministère offre ou non un programme de soutien à la mission globale), à "
        "l’exception de ceux qui voient à l’accueil et à l’installation des personnes réfugiées "
        "ou protégées à titre humanitaire outre-frontières"
    ),
    "members_interest_only": (
        "les organismes à but non lucratif constitués pour servir les seuls intérêts "
        "particuliers de leurs membres"
    ),
    "created_by_public_body": (
        "les organismes à but non lucratif créés par une instance publique pour répondre à des "
        "intérêts d’administration publique"
    ),
}


def passages(quote: str) -> list[str]:
    """The passages of the descriptif a quote joins with « […] »."""
    return [part.strip() for part in quote.split("[…]") if part.strip()]
