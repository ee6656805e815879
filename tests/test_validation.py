"""The panel data contract: accepted forms, conversions and error messages."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator

from skseq.datasets import load_dataset
from skseq.utils.validation import (
    check_panel,
    check_panel_y,
    series_lengths,
    validate_panel,
)


def test_3d_2d_list_and_pandas_forms_agree():
    X, _ = load_dataset("JapaneseVowels", split="train")
    lengths = series_lengths(X)
    as_list = [x[:, :n] for x, n in zip(X, lengths)]
    from sktime.datasets import load_japanese_vowels
    from sktime.datatypes import convert_to

    nested, _ = load_japanese_vowels(split="train", return_X_y=True)
    multi = convert_to(nested, to_type="pd-multiindex")
    for other in (as_list, nested, multi):
        P = check_panel(other)
        np.testing.assert_array_equal(np.isnan(P), np.isnan(X))
        np.testing.assert_allclose(np.nan_to_num(P), np.nan_to_num(X))

    X2 = np.random.default_rng(0).normal(size=(5, 7))
    P = check_panel(X2)
    assert P.shape == (5, 1, 7) and P.dtype == np.float32 and P.flags.c_contiguous


def test_float64_is_cast_and_lengths_found():
    X = np.ones((3, 2, 6))
    X[1, :, 4:] = np.nan  # padding
    P, lengths = check_panel(X, return_lengths=True)
    assert P.dtype == np.float32
    np.testing.assert_array_equal(lengths, [6, 4, 6])


@pytest.mark.parametrize(
    "X, exc, match",
    [
        (np.zeros((0, 3)), ValueError, "0 sample"),
        (np.zeros((3, 0)), ValueError, "0 feature"),
        (np.zeros((2, 0, 4)), ValueError, "0 feature"),
        (np.zeros(5), ValueError, "Expected 2D array"),
        (np.zeros((2, 2, 2, 2)), ValueError, "4 dimensions"),
        ([], ValueError, "0 sample"),
        ([np.ones((2, 5)), np.ones((3, 4))], ValueError, "Inconsistent channel"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), ValueError, "float"),
        (np.array([[1.0, {"a": 1}]], dtype=object), TypeError, "float"),
        (sp.csr_matrix(np.ones((3, 3))), TypeError, "[Ss]parse"),
        (np.array([[1.0, np.inf, 2.0]]), ValueError, "infinity"),
        (np.array([[1.0, np.nan, 2.0]]), ValueError, "Interpolator"),
        (np.array([[1.0, 2.0], [np.nan, np.nan]]), ValueError, "entirely NaN"),
    ],
)
def test_bad_input_errors_name_the_problem(X, exc, match):
    with pytest.raises(exc, match=match):
        check_panel(X)


def test_interior_nan_allowed_when_asked_padding_always():
    X = np.array([[1.0, np.nan, 2.0, np.nan, np.nan]])
    P, lengths = check_panel(X, allow_missing=True, return_lengths=True)
    assert lengths.tolist() == [3]
    # padding alone is never an error
    check_panel(np.array([[1.0, 2.0, np.nan]]))


class _Est(BaseEstimator):
    pass


def test_validate_panel_records_and_checks_channels():
    est = _Est()
    X = np.zeros((4, 3, 10))
    validate_panel(est, X, reset=True)
    assert est.n_channels_in_ == 3 and est.n_features_in_ == 3
    # series of another length are fine for 3-D input
    validate_panel(est, np.zeros((2, 3, 25)), reset=False)
    with pytest.raises(ValueError, match="expecting 3"):
        validate_panel(est, np.zeros((2, 2, 10)), reset=False)
    with pytest.raises(ValueError, match="expecting 3"):
        validate_panel(est, [np.zeros((2, 5))], reset=False)


def test_validate_panel_2d_fit_is_a_table():
    est = _Est()
    validate_panel(est, np.zeros((4, 10)), reset=True)
    assert est.n_features_in_ == 10 and est.n_channels_in_ == 1
    validate_panel(est, np.zeros((2, 1, 10)), reset=False)  # same series, 3-D
    with pytest.raises(ValueError, match="X has 7 features"):
        validate_panel(est, np.zeros((2, 7)), reset=False)


def test_validate_panel_dataframe_feature_names():
    est = _Est()
    df = pd.DataFrame(np.zeros((4, 3)), columns=["a", "b", "c"])
    validate_panel(est, df, reset=True)
    assert list(est.feature_names_in_) == ["a", "b", "c"]


def test_check_panel_y():
    assert check_panel_y(["a", "b"], 2).tolist() == ["a", "b"]
    with pytest.raises(ValueError, match="1 class"):
        check_panel_y(["a", "a"], 2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        check_panel_y([0, 1, 0], 2)
    with pytest.raises(ValueError, match="Unknown label type"):
        check_panel_y([0.5, 1.5], 2)
    with pytest.raises(ValueError, match="NaN or infinity"):
        check_panel_y([0.0, np.inf], 2)
    with pytest.raises(ValueError, match="requires y to be passed"):
        check_panel_y(None, 2)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=3),
)
def test_list_round_trip_keeps_values_and_lengths(lengths, n_channels):
    rng = np.random.default_rng(len(lengths))
    series = [rng.normal(size=(n_channels, n)).astype(np.float32) for n in lengths]
    P, found = check_panel(series, return_lengths=True)
    assert found.tolist() == lengths
    for s, row, n in zip(series, P, lengths):
        np.testing.assert_array_equal(row[:, :n], s)
        assert np.isnan(row[:, n:]).all()
