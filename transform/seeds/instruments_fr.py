"""The built-in instruments in French, worded by this project (not machine-translated).

Keyed by item code, so that a French answer is stored against the same item as an
English one and the two pool in every result.
"""

from dataclasses import dataclass

from transform.languages import InstrumentWording


@dataclass(frozen=True)
class TranslationSpec(InstrumentWording):
    #: item code -> text
    items: dict[str, str]


FRENCH_SCALE = {
    "scale_low": "Pas du tout d’accord",
    "scale_mid": "Ni d’accord ni pas d’accord",
    "scale_high": "Tout à fait d’accord",
    "dont_know": "Je ne sais pas",
}

ADKAR_PULSE_FR = TranslationSpec(
    language="fr",
    intro=(
        "Ce questionnaire porte sur la façon dont vous vivez le changement en cours dans "
        "votre équipe. Il est anonyme : les résultats ne sont présentés que pour des groupes "
        "de plusieurs personnes, jamais pour une seule. Il n’y a pas de bonne ou de mauvaise "
        "réponse."
    ),
    items={
        "AW1": "Je comprends pourquoi notre façon de travailler change.",
        "AW2": "Je sais quels problèmes ce changement doit résoudre.",
        "AW3": "Je ne vois pas bien pourquoi ce changement est nécessaire maintenant.",
        "DE1": "Je souhaite que ce changement réussisse.",
        "DE2": "Je vois en quoi ce changement m’aidera dans mon propre travail.",
        "DE3": "Je préférerais continuer à travailler comme nous le faisons aujourd’hui.",
        "KN1": "Je sais comment faire mon travail selon la nouvelle façon de travailler.",
        "KN2": "J’ai reçu la formation dont j’ai besoin pour les nouveaux processus.",
        "KN3": "Je sais où trouver de l’aide lorsque je ne sais pas comment procéder.",
        "AB1": "Je sais utiliser au quotidien les nouveaux processus et outils sans aide.",
        "AB2": (
            "J’ai le temps et le soutien nécessaires pour m’exercer à la nouvelle façon "
            "de travailler."
        ),
        "AB3": (
            "Des difficultés avec les nouveaux processus ou outils m’empêchent souvent "
            "d’avancer dans mon travail."
        ),
        "RE1": (
            "Mon responsable remarque et reconnaît nos efforts quand nous travaillons de la "
            "nouvelle façon."
        ),
        "RE2": "La nouvelle façon de travailler devient une habitude dans mon équipe.",
        "RE3": (
            "Je suis convaincu(e) que nous ne reviendrons pas à l’ancienne façon de travailler."
        ),
    },
    **FRENCH_SCALE,
)

READINESS_FR = TranslationSpec(
    language="fr",
    intro=(
        "Nous aimerions savoir dans quelle mesure votre équipe se sent prête pour le "
        "changement à venir. Répondez pour votre équipe dans son ensemble, pas seulement "
        "pour vous-même. Si vous ne pouvez pas juger une affirmation, choisissez « Je ne "
        "sais pas » lorsque cette réponse est proposée. Vos réponses sont anonymes."
    ),
    items={
        "CM1": "Les membres de mon équipe sont déterminés à faire réussir ce changement.",
        "CM2": "Mon équipe estime que ce changement vaut les efforts qu’il demande.",
        "CM3": (
            "Mon équipe est prête à fournir des efforts supplémentaires pour mener à bien "
            "ce changement."
        ),
        "CM4": "La réussite de ce changement est une véritable priorité pour mon équipe.",
        "CM5": "Mon équipe accepte ce changement uniquement parce qu’elle y est obligée.",
        "EF1": (
            "Mon équipe dispose des personnes et des outils nécessaires pour mettre en place "
            "ce changement."
        ),
        "EF2": (
            "Nous pouvons continuer à bien servir nos clients pendant la mise en place du "
            "changement."
        ),
        "EF3": (
            "Nous pouvons soutenir les collègues qui trouvent la nouvelle façon de travailler "
            "difficile."
        ),
        "EF4": "Nous pouvons nous organiser entre nous pour le travail qu’exige ce changement.",
        "EF5": (
            "Je doute que mon équipe puisse faire face aux perturbations qu’entraînera ce "
            "changement."
        ),
    },
    **FRENCH_SCALE,
)
