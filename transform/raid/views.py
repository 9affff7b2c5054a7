from flask import abort, flash, render_template, request

from transform import clock
from transform.access import ProgrammeAccess, login_blueprint, programme_access_or_404
from transform.htmx import redirect_after_post, render_page_or_fragment
from transform.memberships.queries import programme_members
from transform.models import RaidItem, Role
from transform.raid import queries, service
from transform.raid.forms import STALE_MESSAGE, RaidFilterForm, RaidItemEditForm, RaidItemForm

bp = login_blueprint("raid", __name__, url_prefix="/programmes/<int:programme_id>/raid")


def _item_or_404(programme_id: int, item_id: int) -> RaidItem:
    item = queries.find_item(programme_id, item_id)
    if item is None:
        abort(404)
    return item


@bp.get("")
def index(programme_id: int):
    access = programme_access_or_404(programme_id)
    form = RaidFilterForm(
        queries.phases_for_choice(programme_id),
        programme_members(programme_id),
        formdata=request.args,
    )
    filters = form.filters()
    return render_page_or_fragment(
        "raid/index.html",
        "raid/_results.html",
        access=access,
        programme=access.programme,
        form=form,
        filters=filters,
        log=queries.raid_log(programme_id, filters, clock.today()),
    )


@bp.route("/new", methods=["GET", "POST"])
def create(programme_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    form = RaidItemForm(*_choices(access))
    if form.validate_on_submit():
        item = service.create_item(access.programme, form.draft())
        flash(f"Added {item.kind.value} “{item.title}”.", "success")
        return redirect_after_post("raid.index", programme_id=programme_id)
    status = 422 if form.errors else 200
    return render_template("raid/create.html", access=access, form=form), status


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
def update(programme_id: int, item_id: int):
    access = programme_access_or_404(programme_id, Role.ADMIN, for_write=True)
    item = _item_or_404(programme_id, item_id)
    form = RaidItemEditForm(*_choices(access, item), obj=item)
    if form.is_submitted() and form.is_stale(item.version):
        form.form_errors.append(STALE_MESSAGE)
        page = render_template("raid/update.html", access=access, form=form, item=item, stale=True)
        return page, 409
    if form.validate_on_submit():
        service.update_item(item, form.draft())
        flash(f"Saved “{item.title}”.", "success")
        return redirect_after_post("raid.index", programme_id=programme_id)
    status = 422 if form.errors else 200
    return render_template("raid/update.html", access=access, form=form, item=item), status


def _choices(access: ProgrammeAccess, item: RaidItem | None = None) -> tuple:
    """The programme, its phases and the people who may own an item, for the item form."""
    owners = programme_members(access.programme.id)
    if item is not None and item.owner is not None and item.owner not in owners:
        # A former member keeps the items they owned until someone reassigns them.
        owners.append(item.owner)
    return access.programme, queries.phases_for_choice(access.programme.id), owners
