from flask import abort, flash, g, redirect, render_template, request, url_for

from transform.access import login_blueprint, may_edit_shared_content
from transform.extensions import db
from transform.htmx import is_htmx_request, render_page_or_fragment
from transform.instruments import service, translating
from transform.instruments.forms import (
    KIND_EXPLANATIONS,
    KIND_LABELS,
    InstrumentForm,
    ItemForm,
    dimension_label,
)
from transform.instruments.translation_forms import TranslationForm
from transform.languages import ENGLISH, PAGE_TEXT, language_name
from transform.models import Instrument, InstrumentTranslation, Item
from transform.request_transaction import keep_nothing
from transform.translations import language_statuses

bp = login_blueprint("instruments", __name__, url_prefix="/instruments")

MOVES = {"up": -1, "down": 1}


def can_edit_instruments() -> bool:
    """Site administrators and the PMO admins of any programme create and edit instruments."""
    if "can_edit_instruments" not in g:
        g.can_edit_instruments = may_edit_shared_content()
    return g.can_edit_instruments


def _require_editor() -> None:
    if not can_edit_instruments():
        abort(403, description="Only site administrators and PMO admins change instruments.")


def _instrument_or_404(instrument_id: int, editing: bool = False) -> Instrument:
    """The instrument, 404 if missing; with editing, 403 unless it may be changed."""
    instrument = service.load_instrument(instrument_id)
    if instrument is None:
        abort(404)
    if editing:
        _require_editor()
        reason = service.lock_reason(instrument)
        if reason:
            abort(403, description=reason)
    return instrument


def _item_or_404(item_id: int, instrument: Instrument) -> Item:
    """An item of this instrument; 404 for another instrument's."""
    item = db.session.get(Item, item_id)
    if item is None or item.instrument_id != instrument.id:
        abort(404)
    return item


@bp.context_processor
def instrument_helpers():
    return {
        "can_edit_instruments": can_edit_instruments,
        "dimension_label": dimension_label,
        "kind_labels": KIND_LABELS,
        "kind_explanations": KIND_EXPLANATIONS,
    }


def _render_show(
    instrument: Instrument,
    bound: dict | None = None,
    editing: Item | None = None,
    open_form: bool = False,
    status: int = 200,
):
    """The instrument page, or for htmx its item list, with forms wherever one may edit."""
    usage = service.usage(instrument)
    lock_reason = service.lock_reason(instrument, usage.has_responses)
    editable = lock_reason is None and can_edit_instruments()
    forms = {}
    if editable:
        forms["item"] = ItemForm(instrument, formdata=None, prefix="item")
        if editing is not None:
            forms["edit"] = ItemForm(
                instrument, editing, formdata=None, prefix=f"item-{editing.id}"
            )
        forms.update(bound or {})
    page = render_page_or_fragment(
        "instruments/show.html",
        "instruments/_items.html",
        instrument=instrument,
        usage=usage,
        lock_reason=lock_reason,
        editable=editable,
        editing=editing if editable else None,
        runs=service.dimension_runs(instrument.items),
        dimensions=service.dimension_counts(instrument.items),
        forms=forms,
        open_form=open_form,
        languages=language_statuses(instrument),
        new_languages=[
            code
            for code in PAGE_TEXT
            if code != ENGLISH and translating.translation_of(instrument, code) is None
        ],
    )
    return page, status


def _edited(instrument: Instrument, open_form: bool = False, anchor: str = "items"):
    """After a change: the fresh item list for htmx, a 303 back to the page otherwise."""
    if is_htmx_request():
        return _render_show(instrument, open_form=open_form)
    return redirect(url_for("instruments.show", instrument_id=instrument.id, _anchor=anchor), 303)


@bp.get("/")
def index():
    return render_template("instruments/index.html", summaries=service.instrument_summaries())


@bp.get("/<int:instrument_id>")
def show(instrument_id: int):
    return _render_show(_instrument_or_404(instrument_id))


@bp.route("/new", methods=["GET", "POST"])
def create():
    _require_editor()
    form = InstrumentForm()
    if form.validate_on_submit():
        instrument = service.create_instrument(
            form.name.data, form.description.data or "", form.intro.data or "", form.kind.data
        )
        flash(f"Created {instrument.name}. Now add its items.", "success")
        return redirect(url_for("instruments.show", instrument_id=instrument.id), code=303)
    return render_template("instruments/create.html", form=form), 422 if form.errors else 200


@bp.route("/<int:instrument_id>/edit", methods=["GET", "POST"])
def update(instrument_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    form = InstrumentForm(instrument=instrument, obj=instrument)
    if form.validate_on_submit():
        service.update_instrument(
            instrument,
            form.name.data,
            form.description.data or "",
            form.intro.data or "",
            form.kind.data,
        )
        flash(f"Saved {instrument.name}.", "success")
        return redirect(url_for("instruments.show", instrument_id=instrument.id), code=303)
    status = 422 if form.errors else 200
    return render_template("instruments/update.html", form=form, instrument=instrument), status


@bp.route("/<int:instrument_id>/translations/<language>", methods=["GET", "POST"])
def translate(instrument_id: int, language: str):
    """Word the instrument in another language the respondent page speaks."""
    instrument = _instrument_or_404(instrument_id, editing=True)
    if language == ENGLISH or language not in PAGE_TEXT:
        abort(404)
    form = TranslationForm.for_instrument(
        instrument, language, translating.translation_of(instrument, language)
    )
    if form.validate_on_submit():
        draft = translating.TranslationDraft(
            language,
            **{name: form[name].data or "" for name in InstrumentTranslation.WORDING},
            items=form.item_texts(),
        )
        translating.save_translation(instrument, draft)
        flash(f"Saved the {language_name(language)} wording of {instrument.name}.", "success")
        url = url_for("instruments.show", instrument_id=instrument.id, _anchor="languages")
        return redirect(url, code=303)
    return render_template(
        "instruments/translate.html",
        instrument=instrument,
        form=form,
        language=language,
        language_name=language_name(language),
    ), 422 if form.errors else 200


@bp.post("/<int:instrument_id>/copy")
def copy(instrument_id: int):
    source = _instrument_or_404(instrument_id)
    _require_editor()
    instrument = service.copy_instrument(source)
    flash(f"Copied {source.name} to {instrument.name}; this copy is yours to change.", "success")
    return redirect(url_for("instruments.show", instrument_id=instrument.id), code=303)


@bp.post("/<int:instrument_id>/delete")
def delete(instrument_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    name = instrument.name
    try:
        service.delete_instrument(instrument)
    except service.InstrumentError as error:
        keep_nothing()
        flash(str(error), "error")
        return redirect(url_for("instruments.show", instrument_id=instrument.id), code=303)
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("instruments.index"), code=303)


@bp.post("/<int:instrument_id>/items")
def add_item(instrument_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    form = ItemForm(instrument, prefix="item")
    if not form.validate_on_submit():
        return _render_show(instrument, {"item": form}, status=422)
    item = service.add_item(instrument, form.draft())
    return _edited(instrument, open_form=True, anchor=f"item-{item.id}")


@bp.route("/<int:instrument_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
def update_item(instrument_id: int, item_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    item = _item_or_404(item_id, instrument)
    if request.method == "GET":
        return _render_show(instrument, editing=item)
    form = ItemForm(instrument, item, prefix=f"item-{item.id}")
    if not form.validate_on_submit():
        return _render_show(instrument, {"edit": form}, editing=item, status=422)
    service.update_item(item, form.draft())
    return _edited(instrument, anchor=f"item-{item.id}")


@bp.post("/<int:instrument_id>/items/<int:item_id>/remove")
def remove_item(instrument_id: int, item_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    service.remove_item(_item_or_404(item_id, instrument))
    return _edited(instrument)


@bp.post("/<int:instrument_id>/items/<int:item_id>/move")
def move_item(instrument_id: int, item_id: int):
    instrument = _instrument_or_404(instrument_id, editing=True)
    item = _item_or_404(item_id, instrument)
    if request.form.get("direction") not in MOVES:
        abort(400)
    service.move_item(item, MOVES[request.form["direction"]])
    return _edited(instrument, anchor=f"item-{item.id}")
