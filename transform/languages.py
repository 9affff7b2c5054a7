"""The languages a survey can be answered in, and the respondent page's own wording.

A language is offered to respondents only when transform can word the page around the
questions in it (PAGE_TEXT here) and the instrument's translation has every item
(transform.translations). English is every instrument's own wording.
"""

from dataclasses import dataclass
from datetime import date
from math import ceil

from babel import Locale
from babel import dates as babel_dates

ENGLISH = "en"


@dataclass(frozen=True)
class InstrumentWording:
    """An instrument's wording in one language besides its items' texts: the fields of
    models.InstrumentTranslation.WORDING, and the language."""

    language: str
    intro: str
    scale_low: str
    scale_mid: str
    scale_high: str
    dont_know: str


@dataclass(frozen=True)
class PageText:
    """The respondent pages' wording in one language; `{…}` fields are filled in."""

    name: str
    open_until: str
    minute: str
    minutes: str
    question_of: str
    answered_of: str
    progress_label: str
    fix_marked: str
    answer_missing: str
    answer_range: str
    form_expired: str
    foreign_answers: str
    comment_label: str
    optional: str
    comment_hint: str
    comment_too_long: str
    submit: str
    language_label: str
    language_button: str
    anonymity_footer: str
    thanks_title: str
    thanks_body: str
    thanks_close: str
    scale_low: str
    scale_mid: str
    scale_high: str
    dont_know: str
    states: dict[str, tuple[str, str]]


ENGLISH_TEXT = PageText(
    name="English",
    open_until="Open until {date}.",
    minute="It takes about 1 minute.",
    minutes="It takes about {minutes} minutes.",
    question_of="Question {number} of {total}",
    answered_of="{answered} of {total} answered",
    progress_label="Your progress",
    fix_marked="Please answer the questions marked below.",
    answer_missing="Please answer this question.",
    answer_range="Choose an answer from 1 to {points}.",
    form_expired="The form expired. Please answer again and submit.",
    foreign_answers="The answers sent do not match this survey.",
    comment_label="Anything else you want to tell the programme team?",
    optional="(optional)",
    comment_hint=(
        "Comments are shown only for groups large enough that no one can be identified. "
        "Avoid names."
    ),
    comment_too_long="Keep the comment under {limit} characters.",
    submit="Submit my answers",
    language_label="Language",
    language_button="Show the survey in this language",
    anonymity_footer=(
        "Your answers are anonymous: they are stored with your team and the day only."
    ),
    thanks_title="Thank you",
    thanks_body=(
        "Your answers have been recorded. They are combined with your colleagues' answers, "
        "and no result is shown for fewer people than the programme's anonymity minimum."
    ),
    thanks_close="You can close this page.",
    scale_low="Strongly disagree",
    scale_mid="Neither",
    scale_high="Strongly agree",
    dont_know="Don't know",
    states={
        "unknown": (
            "This survey link is not valid",
            "Check that you copied the whole link from your invitation.",
        ),
        "used": (
            "This link has already been used",
            "Each personal link takes one response, and this one has been answered. "
            "Thank you for taking part.",
        ),
        "not_open_yet": ("This survey is not open yet", "Please come back once the survey opens."),
        "closed": (
            "This survey has closed",
            "Responses are no longer being collected. Thank you for your interest.",
        ),
        "full": (
            "This team's survey is complete",
            "It has as many responses as the team has people, so it takes no more. If you "
            "have not answered yet, ask the survey's organiser for a personal link.",
        ),
    },
)

FRENCH_TEXT = PageText(
    name="Français",
    open_until="Ouvert jusqu’au {date}.",
    minute="Il faut environ 1 minute.",
    minutes="Il faut environ {minutes} minutes.",
    question_of="Question {number} sur {total}",
    answered_of="{answered} sur {total} avec réponse",
    progress_label="Votre progression",
    fix_marked="Merci de répondre aux questions signalées ci-dessous.",
    answer_missing="Merci de répondre à cette question.",
    answer_range="Choisissez une réponse de 1 à {points}.",
    form_expired="Le formulaire a expiré. Merci de répondre à nouveau puis d’envoyer.",
    foreign_answers="Les réponses envoyées ne correspondent pas à ce questionnaire.",
    comment_label="Souhaitez-vous ajouter quelque chose à l’intention de l’équipe du programme ?",
    optional="(facultatif)",
    comment_hint=(
        "Les commentaires ne sont montrés que pour des groupes assez grands pour que "
        "personne ne puisse être identifié. Évitez de citer des noms."
    ),
    comment_too_long="Votre commentaire doit compter moins de {limit} caractères.",
    submit="Envoyer mes réponses",
    language_label="Langue",
    language_button="Afficher le questionnaire dans cette langue",
    anonymity_footer=(
        "Vos réponses sont anonymes : elles sont enregistrées uniquement avec votre équipe "
        "et la date du jour."
    ),
    thanks_title="Merci",
    thanks_body=(
        "Vos réponses ont bien été enregistrées. Elles sont regroupées avec celles de vos "
        "collègues, et aucun résultat n’est présenté pour un groupe plus petit que le "
        "minimum d’anonymat du programme."
    ),
    thanks_close="Vous pouvez fermer cette page.",
    scale_low="Pas du tout d’accord",
    scale_mid="Ni d’accord ni pas d’accord",
    scale_high="Tout à fait d’accord",
    dont_know="Je ne sais pas",
    states={
        "unknown": (
            "Ce lien de questionnaire n’est pas valide",
            "Vérifiez que vous avez copié le lien complet de votre invitation.",
        ),
        "used": (
            "Ce lien a déjà été utilisé",
            "Chaque lien personnel permet une seule réponse, et celle-ci a été enregistrée. "
            "Merci de votre participation.",
        ),
        "not_open_yet": (
            "Ce questionnaire n’est pas encore ouvert",
            "Merci de revenir lorsque le questionnaire sera ouvert.",
        ),
        "closed": (
            "Ce questionnaire est clos",
            "Les réponses ne sont plus recueillies. Merci de votre intérêt.",
        ),
        "full": (
            "Le questionnaire de cette équipe est complet",
            "Il a reçu autant de réponses que l’équipe compte de personnes et n’en accepte "
            "plus. Si vous n’avez pas encore répondu, demandez un lien personnel à "
            "l’organisateur du questionnaire.",
        ),
    },
)

#: Every language a survey can be answered in, English first.
PAGE_TEXT: dict[str, PageText] = {ENGLISH: ENGLISH_TEXT, "fr": FRENCH_TEXT}

#: Seconds a respondent takes to read and answer one agreement item, and the time the
#: introduction and the optional comment take; the page and invitations state one figure.
SECONDS_PER_ITEM = 15
SECONDS_AROUND = 30


def language_name(code: str) -> str:
    """A language's own name ("Français"); in English for one the pages are not worded in
    ("German"), or the code itself when it names no language."""
    text = PAGE_TEXT.get(code)
    return text.name if text else Locale("en").languages.get(code, code)


def normalise(code: str | None) -> str | None:
    """A language code as asked for (`?lang=FR`, `fr-CA`) read as one of PAGE_TEXT's, else
    None; the base language serves a regional code."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in PAGE_TEXT else None


def minutes_to_answer(item_count: int) -> int:
    """Whole minutes, rounded up, that a survey of this many items takes (at least 1)."""
    return max(1, ceil((item_count * SECONDS_PER_ITEM + SECONDS_AROUND) / 60))


def time_estimate(item_count: int, language: str = ENGLISH) -> str:
    """The one sentence that says how long a survey takes, in the respondent's language."""
    text = PAGE_TEXT.get(language, ENGLISH_TEXT)
    minutes = minutes_to_answer(item_count)
    return text.minute if minutes == 1 else text.minutes.format(minutes=minutes)


def long_date(day: date, language: str = ENGLISH) -> str:
    """A date in words in the language: 3 December 2026, 3 décembre 2026."""
    locale = "en_GB" if language == ENGLISH else language
    return babel_dates.format_date(day, "long", locale=locale)
