"""A column of Estimates kept as numpy arrays, made into Estimate objects when read.

A wave of thousands of teams has a dozen figures a team in its adoption frame; making
every one an Estimate object when the frame is built cost a third of the core's time,
most of it in the garbage collector walking tens of thousands of new objects, while a
dashboard shows a few hundred teams and a history one. EstimateArray is a pandas
extension array: the frame holds each figure's fields as arrays, and any read (`.loc`,
a row, `to_dict`, iteration, `astype(object)`) gives ordinary, equal Estimates.

A field that is None is NaN in its array: the core never gives NaN as a figure (an
estimate it cannot make has value None and a reason). A slot with no estimate at all
(a row added by `reindex`) reads as NaN, as it would in an object column.
"""

import numbers

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray, ExtensionDtype
from pandas.api.indexers import check_array_indexer

from transform.scoring.estimate import Estimate, collector_paused, quick


class EstimateDtype(ExtensionDtype):
    name = "estimate"
    type = Estimate
    kind = "O"
    na_value = np.nan

    @classmethod
    def construct_array_type(cls) -> "type[EstimateArray]":
        return EstimateArray


class EstimateArray(ExtensionArray):
    """Estimates as five arrays: value, ci_low, ci_high (float, NaN for None), n, reason."""

    _dtype = EstimateDtype()

    def __init__(
        self,
        value: np.ndarray,
        ci_low: np.ndarray,
        ci_high: np.ndarray,
        n: np.ndarray,
        reason: np.ndarray,
        present: np.ndarray | None = None,
    ) -> None:
        self._value = np.asarray(value, dtype="float64")
        self._low = np.asarray(ci_low, dtype="float64")
        self._high = np.asarray(ci_high, dtype="float64")
        self._n = np.asarray(n, dtype="int64")
        self._reason = np.asarray(reason, dtype=object)
        #: False where the slot holds no estimate (NaN), as reindex leaves it.
        self._present = (
            np.ones(len(self._value), dtype=bool) if present is None else np.asarray(present)
        )

    @classmethod
    def means(
        cls, n: np.ndarray, mean: np.ndarray, low: np.ndarray, high: np.ndarray, empty: str
    ) -> "EstimateArray":
        """Means of n values with their intervals: none and `empty` at n = 0; no interval
        and "one respondent" at n = 1."""
        n = np.asarray(n, dtype="int64")
        reason = np.full(len(n), None, dtype=object)
        reason[n == 0] = empty
        reason[n == 1] = ONE_RESPONDENT
        several = n > 1
        return cls(
            np.where(n > 0, mean, np.nan),
            np.where(several, low, np.nan),
            np.where(several, high, np.nan),
            n,
            reason,
        )

    @classmethod
    def proportions(
        cls, n: np.ndarray, percent: np.ndarray, low: np.ndarray, high: np.ndarray, empty: str
    ) -> "EstimateArray":
        """Shares in percent of n with their intervals: none and `empty` at n = 0."""
        n = np.asarray(n).astype("int64")
        counted = n > 0
        reason = np.full(len(n), None, dtype=object)
        reason[~counted] = empty
        return cls(
            np.where(counted, percent, np.nan),
            np.where(counted, low, np.nan),
            np.where(counted, high, np.nan),
            n,
            reason,
        )

    @classmethod
    def _from_sequence(cls, scalars, *, dtype=None, copy=False) -> "EstimateArray":
        items = list(scalars)
        present = np.array([isinstance(item, Estimate) for item in items], dtype=bool)
        for item, known in zip(items, present.tolist(), strict=True):
            if not known and not pd.isna(item):
                raise TypeError(f"not an Estimate: {item!r}")

        def field(name: str) -> list:
            return [
                getattr(item, name) if known else None
                for item, known in zip(items, present.tolist(), strict=True)
            ]

        def floats(name: str) -> np.ndarray:
            return np.array([np.nan if x is None else x for x in field(name)], dtype="float64")

        return cls(
            floats("value"),
            floats("ci_low"),
            floats("ci_high"),
            np.array([x or 0 for x in field("n")], dtype="int64"),
            np.array(field("reason"), dtype=object).reshape(len(items)),
            present,
        )

    @classmethod
    def _from_factorized(cls, values, original) -> "EstimateArray":
        return cls._from_sequence(values)

    @classmethod
    def _concat_same_type(cls, to_concat) -> "EstimateArray":
        arrays = list(to_concat)
        return cls(
            *(
                np.concatenate([getattr(array, field) for array in arrays])
                for field in ("_value", "_low", "_high", "_n", "_reason", "_present")
            )
        )

    @property
    def dtype(self) -> EstimateDtype:
        return self._dtype

    @property
    def nbytes(self) -> int:
        return sum(
            array.nbytes
            for array in (self._value, self._low, self._high, self._n, self._reason, self._present)
        )

    def __len__(self) -> int:
        return len(self._value)

    def __getitem__(self, item):
        if isinstance(item, numbers.Integral):
            position = int(item)
            if not self._present[position]:
                return np.nan
            return quick(
                _none_for_nan(float(self._value[position])),
                _none_for_nan(float(self._low[position])),
                _none_for_nan(float(self._high[position])),
                int(self._n[position]),
                self._reason[position],
            )
        if not isinstance(item, slice):
            item = check_array_indexer(self, item)
        return self._select(item)

    def __iter__(self):
        return iter(self.tolist())

    def __eq__(self, other):
        mine = self.astype(object)
        if isinstance(other, ExtensionArray | np.ndarray | list):
            theirs = np.asarray(other, dtype=object)
            return np.array([a == b for a, b in zip(mine, theirs, strict=True)], dtype=bool)
        return np.array([a == other for a in mine], dtype=bool)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        result = np.empty(len(self), dtype=object)
        result[:] = self.tolist()
        return result if dtype is None else result.astype(dtype)

    def astype(self, dtype, copy=True):
        if isinstance(dtype, EstimateDtype):
            return self.copy() if copy else self
        if pd.api.types.pandas_dtype(dtype) == np.dtype(object):
            return np.asarray(self)
        return super().astype(dtype, copy=copy)

    def tolist(self) -> list:
        """Every slot as an Estimate (NaN where there is none), built in one pass."""
        with collector_paused():
            made = [
                quick(
                    None if value != value else value,
                    None if low != low else low,
                    None if high != high else high,
                    n,
                    reason,
                )
                for value, low, high, n, reason in zip(
                    self._value.tolist(),
                    self._low.tolist(),
                    self._high.tolist(),
                    self._n.tolist(),
                    self._reason.tolist(),
                    strict=True,
                )
            ]
        if not self._present.all():
            made = [
                estimate if known else np.nan
                for estimate, known in zip(made, self._present.tolist(), strict=True)
            ]
        return made

    def isna(self) -> np.ndarray:
        return ~self._present

    def take(self, indices, allow_fill: bool = False, fill_value=None) -> "EstimateArray":
        positions = np.asarray(indices, dtype=np.intp)
        if not allow_fill:
            return self._select(positions)
        if fill_value is not None and not pd.isna(fill_value):
            raise TypeError("an EstimateArray fills only with NaN")
        if (positions < -1).any():
            raise ValueError("take: indices below -1 with allow_fill")
        missing = positions == -1
        if len(self) == 0:
            if not missing.all():
                raise IndexError("cannot take from an empty EstimateArray")
            return EstimateArray._nothing(len(positions))
        taken = self._select(np.where(missing, 0, positions))
        taken._present = taken._present & ~missing
        return taken

    def copy(self) -> "EstimateArray":
        return self._select(slice(None), copy=True)

    def _select(self, item, copy: bool = False) -> "EstimateArray":
        fields = (self._value, self._low, self._high, self._n, self._reason, self._present)
        return EstimateArray(*(field[item].copy() if copy else field[item] for field in fields))

    @classmethod
    def _nothing(cls, size: int) -> "EstimateArray":
        nan = np.full(size, np.nan)
        return cls(
            nan,
            nan,
            nan,
            np.zeros(size, np.int64),
            np.full(size, None, object),
            np.zeros(size, bool),
        )


ONE_RESPONDENT = "one respondent: no interval"


def _none_for_nan(value: float) -> float | None:
    return None if value != value else value
