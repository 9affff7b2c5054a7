"""Hypothesis strategies for form values: bad text, numbers, dates, lists, and plausible ones."""

from datetime import date

from hypothesis import strategies as st

#: Bodies stay far below 256 KB (larger ones raise a ResourceWarning under filterwarnings).
LONG_MAX = 6_000

control = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
long_text = st.builds(
    lambda n, c: c * n, st.integers(250, LONG_MAX), st.sampled_from(["a", "é", "<", "\u202e"])
)
huge_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    # Past 1e308 IntegerField's NumberRange raises OverflowError: see BEYOND_FLOAT.
    st.sampled_from([-1, 0, 2**31, 2**63, -(2**63) - 1, 10**300]),
).map(str)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "1e309",
            "-1e309",
            "1e400",
            "1,5",
            "0x10",
            "1_000",
        ]
    ),
)
bad_dates = st.one_of(
    st.sampled_from(
        [
            "2026-02-30",
            "0000-00-00",
            "0001-01-01",
            "9999-12-31",
            "26-11-22",
            "2026-13-01",
            "22/11/2026",
            "2026-11",
            "2026-W47",
            "2026-11-22T10:00",
            " 2026-11-22 ",
            "+002026-11-22",
        ]
    ),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
)
good_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)).map(date.isoformat)

junk = st.one_of(st.text(max_size=40), control, long_text, huge_numbers, floats, bad_dates)


def plausible(kind, choices: dict[str, list]) -> st.SearchStrategy:
    """Values that could pass a field's validation, so examples reach deeper code."""
    if isinstance(kind, tuple):
        return st.sampled_from([str(c) for c in kind])
    if kind in choices:
        return st.sampled_from([str(c) for c in choices[kind]] or ["1"])
    return {
        "text": st.text(min_size=1, max_size=30),
        "long": st.text(max_size=200),
        "email": st.emails().map(str),
        "password": st.text(min_size=10, max_size=30),
        "int": st.integers(-3, 400).map(str),
        "num": st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:g}"),
        "date": good_dates,
        "month": st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)).map(
            lambda d: d.strftime("%Y-%m")
        ),
        "bool": st.sampled_from(["y", "on", "1", "false", ""]),
        "version": st.integers(0, 5).map(str),
        "url": st.sampled_from(["https://example.com/a", "javascript:alert(1)", "ftp://x"]),
    }[kind]


def value(kind, choices) -> st.SearchStrategy:
    """None means: leave the field out. A list sends the field several times."""
    one = st.one_of(plausible(kind, choices), plausible(kind, choices), junk)
    return st.one_of(
        st.none(),
        one,
        one,
        one,
        st.lists(one, min_size=2, max_size=3),
    )


def form_data(fields: dict, choices: dict[str, list]) -> st.SearchStrategy:
    """A dict of field values, with missing fields dropped and extra fields added."""
    extra = st.dictionaries(
        st.text(min_size=1, max_size=15), st.one_of(junk, st.lists(junk, max_size=2)), max_size=2
    )

    def build(values: dict, extras: dict) -> dict:
        data = {k: v for k, v in extras.items() if k not in fields}
        data.update({k: v for k, v in values.items() if v is not None})
        return data

    return st.builds(
        build, st.fixed_dictionaries({n: value(k, choices) for n, k in fields.items()}), extra
    )


#: An integer beyond the float range; see test_forms.test_an_integer_beyond_float_range.
BEYOND_FLOAT = str(10**400)
