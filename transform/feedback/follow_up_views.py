"""Follow-up actions: each owner's list across programmes, and moving them along."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform import clock
from transform.access import login_blueprint, programme_access_or_404
from transform.extensions import db
from transform.feedback import service
from transform.feedback.forms import FollowUpStatusForm
from transform.htmx import is_htmx_request
from transform.models import FeedbackEntry, FollowUp, FollowUpStatus, Membership, Programme
from transform.redirect_targets import referrer_target

bp = login_blueprint("followups", __name__, url_prefix="/follow-ups")


@bp.get("/")
def mine():
    show_closed = request.args.get("closed") == "1"
    query = (
        select(FollowUp)
        .join(FeedbackEntry, FeedbackEntry.id == FollowUp.entry_id)
        .join(
            Membership,
            (Membership.programme_id == FeedbackEntry.programme_id)
            & (Membership.user_id == current_user.id),
        )
        .where(FollowUp.owner_id == current_user.id)
        .options(selectinload(FollowUp.entry).selectinload(FeedbackEntry.team))
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
    )
    if not show_closed:
        query = query.where(FollowUp.status == FollowUpStatus.OPEN)
    follow_ups = db.session.scalars(query).all()
    programmes = {
        p.id: p
        for p in db.session.scalars(
            select(Programme).where(Programme.id.in_({f.entry.programme_id for f in follow_ups}))
        )
    }
    return render_template(
        "followups/mine.html",
        follow_ups=follow_ups,
        programmes=programmes,
        show_closed=show_closed,
        today=clock.today(),
    )


@bp.post("/<int:follow_up_id>/status")
def update(follow_up_id: int):
    follow_up = db.session.get(FollowUp, follow_up_id) or abort(404)
    access = programme_access_or_404(follow_up.entry.programme_id, for_write=True)
    if not (access.is_admin or current_user.id in (follow_up.owner_id, follow_up.entry.agent_id)):
        abort(
            403,
            description="Only the follow-up's owner, the agent who raised it or a PMO "
            "admin can change it.",
        )
    form = FollowUpStatusForm()
    if not form.validate():
        abort(400)
    message, status = None, 200
    if form.version.data != follow_up.version:
        message, status = "Someone changed this follow-up since you opened it.", 409
    else:
        service.set_follow_up_status(
            follow_up, FollowUpStatus(form.status.data), access.programme.id
        )
    if is_htmx_request():
        return render_template(
            "followups/_follow_up.html",
            follow_up=follow_up,
            programme=access.programme,
            today=clock.today(),
            message=message,
        ), status
    if message:
        flash(message, "error")
    return redirect(referrer_target(url_for("followups.mine")), code=303)
