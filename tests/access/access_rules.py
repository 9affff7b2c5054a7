"""Who may call each route: the table tests/access/test_access_matrix.py checks, keyed by endpoint.

Every endpoint of the app needs an entry here, or the matrix fails with "add an access
rule for <endpoint>". An entry maps each method the matrix sends (GET when the route has
it, and its write method with an empty form) to the outcome expected for every role:

- an int: that exact status;
- LOGIN: a redirect to the login page;
- OK: the role gets past the access check: any status below 500 except 401, 403, 404
  and a redirect to login (an empty form is usually 422; nothing is kept).

The roles, all on the demo (transform.demo, day 2026-11-22) and programme 1,
"Back-office optimisation"; path ids are objects of programme 1
(tests/access/test_access_matrix.py):
"""

ROLES = (
    "anonymous",  # no session
    "respondent",  # no session, but has opened a survey link (/s/<token>)
    "agent",  # change agent of the team in the path (Billing Operations)
    "agent_other_team",  # change agent of programme 1 for other teams
    "sponsor",  # sponsor of programme 1
    "pmo",  # PMO admin of programme 1
    "other_programme",  # PMO admin of programme 2 only: programme 1 does not exist for them
    "site_admin",  # site administrator, member of no programme
)

LOGIN = "login"
OK = "ok"


def _roles(anonymous, agent, agent_other_team, sponsor, pmo, other_programme, site_admin):
    """One outcome per role; a respondent's link opens nothing, so it fares as anonymous."""
    return {
        "anonymous": anonymous,
        "respondent": anonymous,
        "agent": agent,
        "agent_other_team": agent_other_team,
        "sponsor": sponsor,
        "pmo": pmo,
        "other_programme": other_programme,
        "site_admin": site_admin,
    }


# Programme pages: members only; a programme you are not a member of does not exist (404).
MEMBER_PAGE = _roles(LOGIN, 200, 200, 200, 200, 404, 404)
MEMBER_WRITE = _roles(LOGIN, OK, OK, OK, OK, 404, 404)
# PMO admins of the programme; other members see it exists (403).
PMO_PAGE = _roles(LOGIN, 403, 403, 403, 200, 404, 404)
PMO_WRITE = _roles(LOGIN, 403, 403, 403, OK, 404, 404)
# The sponsor decides stage gates.
SPONSOR_WRITE = _roles(LOGIN, 403, 403, OK, 403, 404, 404)
# Shared content (org tree, capacities, methodologies, instruments): every user reads it;
# site administrators and the PMO admins of any programme edit it.
ANY_USER_PAGE = _roles(LOGIN, 200, 200, 200, 200, 200, 200)
ANY_USER_WRITE = _roles(LOGIN, OK, OK, OK, OK, OK, OK)
SHARED_EDIT_PAGE = _roles(LOGIN, 403, 403, 403, 200, 200, 200)
SHARED_EDIT_WRITE = _roles(LOGIN, 403, 403, 403, OK, OK, OK)
# A team used by programme 1 only (Billing Operations): its PMO admins and site
# administrators change it; another programme's PMO admin may not (403).
TEAM_EDIT_PAGE = _roles(LOGIN, 403, 403, 403, 200, 403, 200)
TEAM_EDIT_WRITE = _roles(LOGIN, 403, 403, 403, OK, 403, OK)
# Raw rows of the path's wave, which is open: past the access check the export says
# 409 (not before it closes), the import 409 (a wave collecting through links).
OPEN_WAVE_EXPORT = _roles(LOGIN, 403, 403, OK, OK, 404, 404)
# The administration area does not exist for anyone but site administrators.
SITE_ADMIN_PAGE = _roles(LOGIN, 404, 404, 404, 404, 404, 200)
SITE_ADMIN_WRITE = _roles(LOGIN, 404, 404, 404, 404, 404, OK)
PUBLIC_PAGE = _roles(200, 200, 200, 200, 200, 200, 200)
# The API: bearer tokens instead of sessions; no token is 401.
API_MEMBER_READ = _roles(401, 200, 200, 200, 200, 404, 404)
API_ANY_USER_READ = _roles(401, 200, 200, 200, 200, 200, 200)
API_PMO_WRITE = _roles(401, 403, 403, 403, OK, 404, 404)


def page(get, post=None):
    """A GET page, and its form's POST when it has one."""
    return {"GET": get} | ({"POST": post} if post is not None else {})


def post(outcome):
    return {"POST": outcome}


RULES: dict[str, dict[str, dict[str, object]]] = {
    "index": page(_roles(302, 302, 302, 302, 302, 302, 302)),
    "health.healthz": page(PUBLIC_PAGE),
    # --- auth ---
    "auth.login": page(
        _roles(200, 302, 302, 302, 302, 302, 302), _roles(422, 302, 302, 302, 302, 302, 302)
    ),
    "auth.logout": post(_roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "auth.password": page(ANY_USER_PAGE, ANY_USER_WRITE),
    "auth.two_factor": page(ANY_USER_PAGE, ANY_USER_WRITE),
    "auth.disable_two_factor": post(ANY_USER_WRITE),
    # The second step of a login: only for a session that passed the password step.
    "auth.verify_code": page(
        _roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
        _roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ),
    "tokens.index": page(ANY_USER_PAGE, ANY_USER_WRITE),
    # The path holds the PMO's own token: anyone else's token does not exist for you.
    "tokens.revoke": post(_roles(LOGIN, 404, 404, 404, OK, 404, 404)),
    # --- administration ---
    "admin.index": page(_roles(LOGIN, 404, 404, 404, 404, 404, 302)),
    "admin.users": page(SITE_ADMIN_PAGE),
    "admin.create_user": page(SITE_ADMIN_PAGE, SITE_ADMIN_WRITE),
    "admin.update_user": page(SITE_ADMIN_PAGE, SITE_ADMIN_WRITE),
    "admin.programmes": page(SITE_ADMIN_PAGE),
    "admin.outbox": page(SITE_ADMIN_PAGE),
    "admin.create_programme": page(SITE_ADMIN_PAGE, SITE_ADMIN_WRITE),
    "memberships.admin_update": page(SITE_ADMIN_PAGE, SITE_ADMIN_WRITE),
    "memberships.admin_remove": post(SITE_ADMIN_WRITE),
    "admin.unlock_user": post(SITE_ADMIN_WRITE),
    "admin.reset_two_factor": post(SITE_ADMIN_WRITE),
    # --- programmes ---
    "programmes.index": page(ANY_USER_PAGE),
    "programmes.show": page(MEMBER_PAGE),
    # Every user has a portfolio: the programmes they may see (all, for site admins).
    "portfolio.index": page(ANY_USER_PAGE),
    "portfolio.pdf": page(ANY_USER_PAGE),
    "programmes.update": page(PMO_PAGE, PMO_WRITE),
    "programmes.archive": post(PMO_WRITE),
    "programmes.restore": post(PMO_WRITE),
    "memberships.update": page(PMO_PAGE, PMO_WRITE),
    "memberships.remove": post(PMO_WRITE),
    "audit.index": page(PMO_PAGE),
    # --- phases, activities, gates ---
    "phases.index": page(MEMBER_PAGE),
    "phases.show": page(MEMBER_PAGE),
    "phases.timeline": page(MEMBER_PAGE),
    "phases.update": page(PMO_PAGE, PMO_WRITE),
    # Redirects to the activity's edit page (which is PMO only).
    "activities.show": page(_roles(LOGIN, 302, 302, 302, 302, 404, 404)),
    "activities.update": page(PMO_PAGE, PMO_WRITE),
    "activities.create": post(PMO_WRITE),
    "activities.toggle": post(PMO_WRITE),
    "activities.add_evidence": post(PMO_WRITE),
    "activities.remove_evidence": post(PMO_WRITE),
    "activities.evidence_file": page(MEMBER_PAGE),
    "gates.submit": post(PMO_WRITE),
    "gates.tick": post(PMO_WRITE),
    "gates.decide": post(SPONSOR_WRITE),
    # --- RAID log ---
    "benefits.index": page(MEMBER_PAGE),
    "benefits.create": page(PMO_PAGE, PMO_WRITE),
    "benefits.update": page(PMO_PAGE, PMO_WRITE),
    "benefits.target": page(PMO_PAGE, PMO_WRITE),
    "benefits.import_values": page(PMO_PAGE, PMO_WRITE),
    "benefits.show": page(MEMBER_PAGE),
    "benefits.export": page(MEMBER_PAGE),
    # The PMO moves L0-L4 and a finance approver signs off L5 (tests/test_benefits.py).
    "benefits.move": post(PMO_WRITE),
    "benefits.record_value": post(PMO_WRITE),
    # Only a finance approver confirms actuals; the matrix has no finance login.
    "benefits.confirm_actuals": post(_roles(LOGIN, 403, 403, 403, 403, 404, 404)),
    "raid.index": page(MEMBER_PAGE),
    "raid.create": page(PMO_PAGE, PMO_WRITE),
    "raid.update": page(PMO_PAGE, PMO_WRITE),
    # --- teams, impact, agents, change load (teams are shared across programmes) ---
    "teams.index": page(ANY_USER_PAGE),
    "teams.create": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "teams.update": page(TEAM_EDIT_PAGE, TEAM_EDIT_WRITE),
    "teams.merge": page(TEAM_EDIT_PAGE, TEAM_EDIT_WRITE),
    "teams.import_teams": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "teams.import_template": page(ANY_USER_PAGE),
    "load.index": page(ANY_USER_PAGE),
    "load.cell": page(ANY_USER_PAGE),
    "load.update_capacity": post(SHARED_EDIT_WRITE),
    "impact.index": page(MEMBER_PAGE),
    "impact.add": page(PMO_PAGE, PMO_WRITE),
    "impact.update": page(PMO_PAGE, PMO_WRITE),
    "impact.remove": post(PMO_WRITE),
    "agents.index": page(MEMBER_PAGE),
    "agents.assign": post(PMO_WRITE),
    "agents.unassign": post(PMO_WRITE),
    # --- feedback and follow-ups ---
    "feedback.index": page(MEMBER_PAGE),
    "feedback.themes": page(MEMBER_PAGE),
    "feedback.my_teams": page(MEMBER_PAGE),
    "feedback.team": page(MEMBER_PAGE),
    # An empty form is 422 before the team check; the API row below checks the team.
    "feedback.create": post(MEMBER_WRITE),
    "followups.mine": page(ANY_USER_PAGE),
    # The follow-up in the path is owned by the agent; its owner and PMO admins update it.
    "followups.update": post(_roles(LOGIN, OK, 403, 403, OK, 404, 404)),
    # --- adoption, surveys, responses ---
    "adoption.index": page(MEMBER_PAGE),
    "waves.index": page(MEMBER_PAGE),
    "waves.show": page(MEMBER_PAGE),
    "waves.create": page(PMO_PAGE, PMO_WRITE),
    "waves.open_wave": post(PMO_WRITE),
    "waves.close_wave": post(PMO_WRITE),
    "waves.issue_links": post(PMO_WRITE),
    "waves.issue_all_links": page(PMO_PAGE, PMO_WRITE),
    "waves.issue_team_link": post(PMO_WRITE),
    # Invitations by e-mail: the roster's addresses are the PMO's alone.
    "invitations.show": page(PMO_PAGE),
    "invitations.add_roster": post(PMO_WRITE),
    "invitations.update_message": post(PMO_WRITE),
    "invitations.send": post(PMO_WRITE),
    "invitations.remind": post(PMO_WRITE),
    "invitations.remove_unsent": post(PMO_WRITE),
    "wave_data.export_csv": page(OPEN_WAVE_EXPORT),
    "wave_data.export_xlsx": page(OPEN_WAVE_EXPORT),
    "wave_data.import_responses": page(PMO_WRITE, PMO_WRITE),
    # A large import's job page, and its retry: as the import itself.
    "wave_data.import_job": page(PMO_PAGE),
    "wave_data.retry_import": post(PMO_WRITE),
    # Survey links are public: the token is the key (single use, or the team's link).
    "respond.single_use": page(PUBLIC_PAGE, _roles(422, 422, 422, 422, 422, 422, 422)),
    "respond.team_link": page(PUBLIC_PAGE, _roles(422, 422, 422, 422, 422, 422, 422)),
    "respond.thanks": page(PUBLIC_PAGE),
    "instruments.index": page(ANY_USER_PAGE),
    "instruments.show": page(ANY_USER_PAGE),
    "instruments.create": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "instruments.update": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "instruments.translate": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "instruments.copy": post(SHARED_EDIT_WRITE),
    "instruments.delete": post(SHARED_EDIT_WRITE),
    "instruments.add_item": post(SHARED_EDIT_WRITE),
    "instruments.update_item": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "instruments.move_item": post(SHARED_EDIT_WRITE),
    "instruments.remove_item": post(SHARED_EDIT_WRITE),
    # --- methodologies (shared) ---
    "methodologies.index": page(ANY_USER_PAGE),
    "methodologies.show": page(ANY_USER_PAGE),
    "methodologies.create": page(SHARED_EDIT_PAGE, SHARED_EDIT_WRITE),
    "methodologies.copy": post(SHARED_EDIT_WRITE),
    "methodologies.delete": post(SHARED_EDIT_WRITE),
    "methodologies.add_phase": post(SHARED_EDIT_WRITE),
    "methodologies.move_phase": post(SHARED_EDIT_WRITE),
    "methodologies.remove_phase": post(SHARED_EDIT_WRITE),
    "methodologies.add_activity": post(SHARED_EDIT_WRITE),
    "methodologies.remove_activity": post(SHARED_EDIT_WRITE),
    "methodologies.add_criterion": post(SHARED_EDIT_WRITE),
    "methodologies.remove_criterion": post(SHARED_EDIT_WRITE),
    # A template from a programme reads the programme: its PMO admins only.
    "methodologies.from_programme": page(PMO_PAGE, PMO_WRITE),
    # --- KPIs ---
    "kpis.index": page(MEMBER_PAGE),
    "kpis.show": page(MEMBER_PAGE),
    "kpis.new": page(PMO_PAGE, PMO_WRITE),
    "kpis.edit": page(PMO_PAGE, PMO_WRITE),
    "kpis.delete": post(PMO_WRITE),
    "kpis.plan": post(PMO_WRITE),
    "kpis.add_checkpoint": post(PMO_WRITE),
    "kpis.delete_checkpoint": post(PMO_WRITE),
    # The KPI in the path is owned by another admin: owners and PMO admins enter actuals.
    "kpis.actual": page(PMO_PAGE, PMO_WRITE),
    "kpi_imports.new": page(PMO_PAGE),
    "kpi_imports.create": post(PMO_WRITE),
    "kpi_imports.template": page(PMO_PAGE),
    # --- reports: any member prepares and downloads; PMO admins publish ---
    "reports.index": page(MEMBER_PAGE),
    "reports.prepare": post(MEMBER_WRITE),
    "reports.download": page(MEMBER_PAGE),
    "reports.published": page(MEMBER_PAGE),
    "reports.publish": post(PMO_WRITE),
    "reports.commentary": page(PMO_PAGE),
    "reports.slides": page(MEMBER_PAGE),
    "reports.job": page(MEMBER_PAGE),
    "reports.retry": post(MEMBER_WRITE),
    # --- API v1 (bearer token) ---
    "api.reference": page(PUBLIC_PAGE),
    "api.openapi": page(PUBLIC_PAGE),
    "api.list_programmes": page(API_ANY_USER_READ),
    "api.get_programme": page(API_MEMBER_READ),
    "api.list_initiatives": page(API_MEMBER_READ),
    # The benefits register: PMO admins write it, as on the Benefits pages.
    "api.create_initiative": post(API_PMO_WRITE),
    "api.update_initiative": {"PATCH": API_PMO_WRITE},
    "api.record_value": post(API_PMO_WRITE),
    "api.list_phases": page(API_MEMBER_READ),
    "api.list_kpis": page(API_MEMBER_READ),
    "api.list_checkpoints": page(API_MEMBER_READ),
    "api.list_waves": page(API_MEMBER_READ),
    "api.get_wave": page(API_MEMBER_READ),
    "api.wave_indices": page(API_MEMBER_READ),
    "api.list_feedback": page(API_MEMBER_READ),
    "api.list_teams": page(API_ANY_USER_READ),
    # Feedback for Billing Operations: its agent and PMO admins log it.
    "api.create_feedback": post(_roles(401, 201, 403, 403, 201, 404, 404)),
    "api.push_actuals": post(_roles(401, 403, 403, 403, OK, 404, 404)),
    "api.import_responses": post(_roles(401, 403, 403, 403, OK, 404, 404)),
    "api.upsert_teams": {"PUT": _roles(401, 403, 403, 403, OK, OK, OK)},
    "webhooks.index": page(PMO_PAGE, PMO_WRITE),
    "webhooks.delete": post(PMO_WRITE),
    "api.get_team": page(API_ANY_USER_READ),
    "api.create_kpi": post(API_PMO_WRITE),
    "api.update_kpi": {"PATCH": API_PMO_WRITE},
    # The path's wave is open: past the access check both answer 409.
    "api.raw_responses": page(_roles(401, 403, 403, OK, OK, 404, 404)),
    "api.raw_responses_csv": page(_roles(401, 403, 403, OK, OK, 404, 404)),
    "api.list_raid_items": page(API_MEMBER_READ),
    "api.get_raid_item": page(API_MEMBER_READ),
    "api.create_raid_item": post(API_PMO_WRITE),
    "api.update_raid_item": {"PATCH": API_PMO_WRITE},
    "api.list_follow_ups": page(API_MEMBER_READ),
    # The follow-up's entry was logged by Billing Operations' agent, who owns its action.
    "api.create_follow_up": post(_roles(401, 201, 403, 403, 201, 404, 404)),
    "api.update_follow_up": {"PATCH": _roles(401, 200, 403, 403, 200, 404, 404)},
}
