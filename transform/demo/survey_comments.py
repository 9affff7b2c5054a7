"""Free-text survey comments, keyed by the dimension a respondent is stuck at, or "positive"."""

BACKOFFICE_COMMENTS: dict[str, tuple[str, ...]] = {
    "awareness": (
        "Still not clear to me why we need to change this.",
        "We hear about the programme from rumours more than from management.",
        "What problem are we actually solving? Nobody has explained it.",
    ),
    "desire": (
        "Feels like more admin for the same work.",
        "I worry the new system is there to replace people.",
        "The old way was fine for our matters.",
    ),
    "knowledge": (
        "I want to use the new process but I haven't had proper training yet.",
        "Training was scheduled during month end, so half of us missed it.",
        "The guides don't cover the unusual cases we get every day.",
        "Need more hands-on practice, the demo went too fast.",
    ),
    "ability": (
        "The system is slow and I end up doing things twice.",
        "Too many steps for simple matters.",
        "I know what to do but there is no time to do it properly.",
    ),
    "reinforcement": (
        "People are slipping back into the old spreadsheets.",
        "Nobody checks whether we actually use the new process.",
    ),
    "commitment": (
        "We have seen programmes like this come and go.",
        "Most of the team is waiting to see if this one sticks.",
    ),
    "efficacy": (
        "We are already stretched, I don't see how we take this on as well.",
        "We need more people before we can change anything.",
    ),
    "positive": (
        "Much quicker to open a matter now.",
        "Good to finally see where each bill is in the process.",
        "The floor walkers were really helpful.",
        "Our team lead has been great at keeping us informed.",
        "Less chasing of partners for approvals, which is a relief.",
    ),
}

OUTSOURCING_COMMENTS: dict[str, tuple[str, ...]] = {
    "awareness": (
        "Why outsource when our scores are good?",
        "We were told about the review but not what it means for us.",
    ),
    "desire": (
        "Nobody can tell us what happens to our jobs.",
        "Hard to be positive when we may be training our replacements.",
        "I joined for this team, not to work for a supplier.",
    ),
    "knowledge": (
        "I don't know what the new set-up will look like day to day.",
        "What will the escalation route be once the provider takes over?",
    ),
    "ability": ("Too busy with the backlog to think about the changes.",),
    "reinforcement": ("Too early to say.",),
    "positive": (
        "The Q&A session helped, thank you for being open.",
        "I would like to be involved in training the new agents.",
        "Interested in the new quality and vendor-management roles.",
    ),
}
