"""Datasets are read from the data folder in their original order, with clear failures."""

from __future__ import annotations

import gzip

import pytest
import torch

from genhub.training.data import load_idx_dataset, read_idx

TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # the official MNIST test counts


def test_mnist_test_split_is_complete_and_in_order(data_dir):
    images, labels = load_idx_dataset("mnist", "test", data_dir)
    assert images.shape == (10000, 28, 28) and images.dtype == torch.uint8
    assert torch.bincount(labels).tolist() == TEST_COUNTS
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]


def test_limit_takes_the_first_examples(data_dir):
    images, labels = load_idx_dataset("mnist", "train", data_dir, limit=100)
    assert images.shape == (100, 28, 28) and labels.shape == (100,)


def test_a_truncated_idx_file_is_refused(tmp_path, data_dir):
    data = gzip.open(data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz").read()
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(data[:5000])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path)


def test_missing_data_offline_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr("genhub.training.data.DOWNLOAD_ROOT", tmp_path / "download")
    monkeypatch.setenv("NO_PROXY", "*")
    with pytest.raises(FileNotFoundError, match="mnist test split not found: looked in .*empty"):
        load_idx_dataset("mnist", "test", tmp_path / "empty")
