"""A user's personal API tokens: create (the secret shown once), list, revoke."""

from flask import abort, flash, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from transform.access import login_blueprint
from transform.api import tokens
from transform.extensions import db
from transform.htmx import redirect_after_post
from transform.models import ApiToken

bp = login_blueprint("tokens", __name__, url_prefix="/profile/tokens")


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Name the token after what will use it."), Length(max=80)],
    )


class RevokeForm(FlaskForm):
    """CSRF protection for the revoke button."""


@bp.route("/", methods=["GET", "POST"])
def index():
    form = TokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        token, secret = tokens.create_token(current_user, form.name.data.strip())
        form = TokenForm(formdata=None)
    elif form.errors:
        status = 422
    return render_template(
        "tokens/index.html",
        form=form,
        secret=secret,
        tokens=tokens.tokens_of(current_user),
        revoke_form=RevokeForm(),
    ), status


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    if not RevokeForm().validate():
        abort(400)
    tokens.revoke(token)
    flash(f"Revoked “{token.name}”: it stops working at once.", "success")
    return redirect_after_post("tokens.index")
