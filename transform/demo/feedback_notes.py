"""What change agents write in each demo programme: notes and follow-ups per barrier."""

from transform.demo.feedback import NoteBook
from transform.models import Adkar
from transform.models import BarrierCategory as Barrier

BACKOFFICE_NOTES = NoteBook(
    barriers_by_stage={
        Adkar.AWARENESS: (Barrier.UNCLEAR_WHY,),
        Adkar.DESIRE: (
            Barrier.FEAR_OF_JOB_LOSS,
            Barrier.MANAGER_NOT_SUPPORTIVE,
            Barrier.OLD_HABITS,
        ),
        Adkar.KNOWLEDGE: (Barrier.NO_TIME_FOR_TRAINING, Barrier.SKILLS_GAP),
        Adkar.ABILITY: (Barrier.TOOL_ISSUES, Barrier.WORKLOAD, Barrier.SKILLS_GAP),
        Adkar.REINFORCEMENT: (Barrier.OLD_HABITS, Barrier.MANAGER_NOT_SUPPORTIVE, Barrier.NONE),
    },
    notes={
        Barrier.UNCLEAR_WHY: (
            "Team meeting with {team}: several people asked why we are changing a process "
            "that 'works fine'. The case for change hasn't landed below team-lead level.",
            "{team} know a new system is coming but couldn't say what problem it solves. "
            "The town hall slides never reached them.",
            "Heard 'this is just cost-cutting' twice today in {team}. We need the sponsor to "
            "explain the client turnaround problem in person.",
            "Half of {team} missed the launch briefing because of a trial deadline; they are "
            "getting the story second-hand and it's getting distorted.",
        ),
        Barrier.FEAR_OF_JOB_LOSS: (
            "Rumour in {team} that automation means headcount cuts. Two people asked me "
            "directly whether their roles are safe.",
            "{team} quieter than usual in the workshop; the team lead thinks people are "
            "worried the redesign is a prelude to redundancies.",
            "Someone in {team} asked whether the new workflow will be used to measure "
            "individual productivity. Anxiety about monitoring as much as about jobs.",
        ),
        Barrier.MANAGER_NOT_SUPPORTIVE: (
            "The {team} supervisor still signs work off the old way and told people to skip "
            "the new form when it's busy.",
            "Team lead in {team} cancelled the walkthrough again, citing client deadlines. "
            "Staff read that as 'this doesn't matter'.",
            "{team} manager is supportive in steering meetings but silent in front of the "
            "team. People notice.",
            "Partners keep asking {team} for the old report format, which undermines the new "
            "process.",
        ),
        Barrier.OLD_HABITS: (
            "Two senior people in {team} keep a parallel spreadsheet 'just in case'. Others "
            "are copying them.",
            "{team} use the new workflow for new matters but still route urgent ones by email "
            "to named individuals.",
            "Old shared-drive folders are still in use in {team}; the records policy isn't "
            "being enforced yet.",
            "Most of {team} follow the new process on good days and slip back under pressure, "
            "especially at month end.",
        ),
        Barrier.NO_TIME_FOR_TRAINING: (
            "{team} had 40% attendance at the workflow walkthrough; people say the pre-bill "
            "cycle left no time.",
            "Training slots clash with month-end billing for {team}. Nobody has protected the "
            "time.",
            "{team} lead asked to postpone training again. People want to learn it but the "
            "workload won't let them.",
            "Only the two super-users in {team} have done the hands-on session; everyone else "
            "relies on them.",
            "Rescheduled {team}'s session for the third time. They keep asking for the "
            "material but can't get off the phones.",
        ),
        Barrier.SKILLS_GAP: (
            "{team} understand the why but not how to handle exceptions in the new workflow "
            "(write-offs, split bills).",
            "People in {team} asked where the new procedure notes are. The quick reference "
            "guide doesn't cover their edge cases.",
            "Several in {team} are unsure which system is the record of truth during the "
            "transition.",
            "{team} could follow the demo but couldn't do it on their own matters afterwards. "
            "They need hands-on practice with real examples.",
        ),
        Barrier.TOOL_ISSUES: (
            "Matter numbers don't sync between the intake form and the practice management "
            "system, so {team} re-key them.",
            "{team} report the new time-entry screen times out when many lines are pasted. "
            "Logged with IT.",
            "Access rights for {team} were set up late; three people couldn't log in on day one.",
        ),
        Barrier.WORKLOAD: (
            "{team} are carrying two vacancies, so learning the new process comes on top of a "
            "full caseload.",
            "Month end plus the redesign workshops stretched {team}. Mood dipped this week.",
            "{team} say the new process adds steps for simple matters. Worth checking in the "
            "next iteration.",
        ),
        Barrier.NONE: (
            "Good session with {team}: people use the new process unprompted and are "
            "suggesting improvements.",
            "{team} lead now opens the weekly huddle with the turnaround dashboard. Questions "
            "come from the team itself.",
            "{team} have started coaching colleagues in other teams. A strong sign the change "
            "is sticking.",
            "Quiet week in {team}; no new issues raised and helpdesk queries are down.",
            "{team} shared a before/after example at the all-hands: a task that took four "
            "days now takes one.",
        ),
    },
    actions={
        Barrier.UNCLEAR_WHY: (
            "Ask the sponsor to brief {team} in person on the case for change",
            "Walk {team} through the one-page 'why we are changing' summary at their huddle",
        ),
        Barrier.FEAR_OF_JOB_LOSS: (
            "Arrange an HR Q&A on roles and redeployment for {team}",
            "Get a written statement on role impact for {team} from the sponsor",
        ),
        Barrier.MANAGER_NOT_SUPPORTIVE: (
            "Coaching conversation with the {team} lead on their role in the change",
            "Raise {team} management engagement at the steering committee",
        ),
        Barrier.OLD_HABITS: (
            "Agree a switch-off date for the parallel spreadsheet with {team}",
            "Pair the holdouts in {team} with a super-user for a week",
        ),
        Barrier.NO_TIME_FOR_TRAINING: (
            "Book protected training time for {team} outside billing week",
            "Agree backfill cover with the {team} lead so people can attend training",
        ),
        Barrier.SKILLS_GAP: (
            "Run a hands-on clinic on exception cases for {team}",
            "Add {team}'s edge cases to the quick reference guide",
        ),
        Barrier.TOOL_ISSUES: (
            "Log the defect with IT Services and get a fix date for {team}",
            "Check access rights for everyone in {team} with the Service Desk",
        ),
        Barrier.WORKLOAD: (
            "Review {team}'s workload and vacancies with the practice manager",
            "Propose a lighter process for simple matters based on {team}'s feedback",
        ),
    },
)

OUTSOURCING_NOTES = NoteBook(
    barriers_by_stage={
        Adkar.AWARENESS: (Barrier.UNCLEAR_WHY,),
        Adkar.DESIRE: (
            Barrier.FEAR_OF_JOB_LOSS,
            Barrier.FEAR_OF_JOB_LOSS,
            Barrier.MANAGER_NOT_SUPPORTIVE,
        ),
        Adkar.KNOWLEDGE: (Barrier.SKILLS_GAP, Barrier.WORKLOAD),
        Adkar.ABILITY: (Barrier.WORKLOAD, Barrier.OLD_HABITS),
        Adkar.REINFORCEMENT: (Barrier.NONE,),
    },
    notes={
        Barrier.UNCLEAR_WHY: (
            "{team} asked why we are outsourcing when CSAT is 'fine'. The benchmarking "
            "results haven't been shared with the floor.",
            "Agents in {team} think the decision is already made and the assessment is for show.",
            "Confusion in {team} about what is in scope: some think returns are moving, some "
            "don't.",
        ),
        Barrier.FEAR_OF_JOB_LOSS: (
            "{team} huddle was tense. People want to know whether they will be transferred, "
            "redeployed or let go, and when.",
            "Two experienced agents in {team} updated their LinkedIn profiles this week. "
            "Attrition risk is real.",
            "{team} asked whether they will have to train their replacements. That question "
            "needs an honest answer.",
            "Several in {team} asked about severance terms before anything is decided. "
            "Rumours are filling the silence.",
        ),
        Barrier.MANAGER_NOT_SUPPORTIVE: (
            "{team} team lead openly disagreed with the outsourcing plan in front of agents.",
            "Supervisors in {team} avoid the topic in one-to-ones because they don't know "
            "their own future.",
        ),
        Barrier.SKILLS_GAP: (
            "{team} unsure how vendor scorecards and calibration sessions will work; it's a "
            "new skill for them.",
            "People in {team} asked what 'retained organisation' means for their day-to-day work.",
        ),
        Barrier.WORKLOAD: (
            "Peak-season backlog in {team}: nobody has time for the contact-reason coding "
            "the benchmark needs.",
            "{team} covering for two people on leave; the assessment interviews felt like one "
            "more demand.",
        ),
        Barrier.OLD_HABITS: (
            "Agents in {team} still resolve some cases by personal email outside the "
            "ticketing tool, so volumes are under-counted for the benchmark.",
        ),
        Barrier.NONE: (
            "{team} appreciated the open Q&A with the sponsor; tone noticeably calmer afterwards.",
            "{team} lead volunteered to help design the knowledge-transfer modules. Good sign.",
            "{team} see a career path in vendor management and quality oversight. Positive "
            "energy in the room.",
        ),
    },
    actions={
        Barrier.UNCLEAR_WHY: (
            "Share the benchmarking summary with {team} at the next huddle",
            "Publish an in-scope / out-of-scope FAQ for {team}",
        ),
        Barrier.FEAR_OF_JOB_LOSS: (
            "Arrange a session with HR on transfer and redeployment options for {team}",
            "Ask the sponsor to set a date by which {team} will know their role impact",
        ),
        Barrier.MANAGER_NOT_SUPPORTIVE: (
            "Brief {team} supervisors first, before the next all-hands",
            "One-to-one with the {team} lead on concerns about the plan",
        ),
        Barrier.SKILLS_GAP: ("Run an introduction to vendor governance for {team}",),
        Barrier.WORKLOAD: ("Agree with the {team} lead which assessment tasks can wait",),
        Barrier.OLD_HABITS: ("Remind {team} to log every case in the ticketing tool",),
    },
)
