"""The bundled Advertising data and the strict CSV reader."""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import numpy as np
import pytest

from tinygrad_lr.datasets import CSVFormatError, load_advertising, load_csv


def test_advertising_has_the_published_sanity_figures():
    X, y, names = load_advertising()
    assert X.shape == (200, 3) and y.shape == (200,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert names == ["TV", "Radio", "Newspaper"]
    assert X[:, 0].sum() == pytest.approx(29408.5, abs=1e-9)
    assert y.sum() == pytest.approx(2804.5, abs=1e-9)
    np.testing.assert_array_equal(X[0], [230.1, 37.8, 69.2])
    assert y[0] == 22.1


def test_advertising_feature_subset_keeps_the_requested_order():
    X, y, names = load_advertising(features=["Newspaper", "TV"])
    full, _, _ = load_advertising()
    assert names == ["Newspaper", "TV"]
    np.testing.assert_array_equal(X, full[:, [2, 0]])


def test_advertising_as_frame_without_pandas_says_so():
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            load_advertising(as_frame=True)
    else:
        frame = load_advertising(as_frame=True)
        assert list(frame.columns) == ["TV", "Radio", "Newspaper", "Sales"]
        assert frame["Sales"].sum() == pytest.approx(2804.5)
        assert list(load_advertising(as_frame=True, features=["Radio"]).columns) == ["Radio", "Sales"]


def test_load_csv_reads_target_and_features(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,target\n1,2,3\n\n4,5.5,-6e1\n")
    X, y, names = load_csv(path, target="target")
    assert names == ["a", "b"]
    np.testing.assert_array_equal(X, [[1, 2], [4, 5.5]])
    np.testing.assert_array_equal(y, [3, -60])


def _error(tmp_path, text, **kwargs):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CSVFormatError) as info:
        load_csv(path, **{"target": "y", **kwargs})
    return str(info.value)


def test_non_numeric_cell_names_file_row_column_and_value(tmp_path):
    message = _error(tmp_path, "x,y\n1,2\n3,4\nfive,6\n")
    assert "bad.csv" in message
    assert "row 3 (line 4)" in message
    assert "column 'x'" in message and "'five'" in message


def test_wrong_column_count_names_the_row(tmp_path):
    message = _error(tmp_path, "x,y\n1,2\n3\n")
    assert "row 2 (line 3)" in message and "has 1 values but the header has 2 columns" in message


def test_empty_cell_is_reported(tmp_path):
    message = _error(tmp_path, "x,y\n1,\n")
    assert "row 1 (line 2)" in message and "an empty cell" in message and "column 'y'" in message


def test_missing_target_column_lists_the_header(tmp_path):
    message = _error(tmp_path, "x,z\n1,2\n")
    assert "no target column 'y'" in message and "'x', 'z'" in message


def test_missing_feature_column(tmp_path):
    message = _error(tmp_path, "x,y\n1,2\n", features=["w"])
    assert "no column 'w'" in message


def test_missing_header_row(tmp_path):
    message = _error(tmp_path, "1,2\n3,4\n")
    assert "header row" in message


def test_empty_file_and_header_only(tmp_path):
    assert "empty" in _error(tmp_path, "")
    assert "no data rows" in _error(tmp_path, "x,y\n")


def test_csv_format_error_is_a_value_error():
    assert issubclass(CSVFormatError, ValueError)
