"""Refuse request text that no database column can hold: the NUL character.

PostgreSQL text columns reject NUL (0x00), so a form value carrying one would fail at
the write with a 500 after validation passed; SQLite would store it. Refusing it up
front gives the same clear 400 on both, before any form or service sees it. JSON bodies
are left to the API's schemas, which refuse NUL at the field with its path (422).
"""

from flask import Flask, abort, request

NUL = "\x00"


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        values = [*request.args.values(), *request.form.values()]
        values += [upload.filename or "" for upload in request.files.values()]
        if any(NUL in value for value in values):
            abort(400, description="The request contains a NUL character, which no field accepts.")
