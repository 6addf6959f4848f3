"""Made With ML's linear regression lesson (lesson 004), run as written with `import tinygrad_lr as torch`.

y = 3.5x + noise (NumPy seed 1234, 50 points), shuffled and split 70/15/15, standardized with the training
statistics; then (a) gradient descent written in NumPy, (b) the PyTorch way with nn.Linear, nn.MSELoss and Adam,
(c) the same with L2 regularization (Adam's weight_decay). Each part prints its training loss, train/test MSE and
the weights mapped back to the original units: the lesson's `[model] y_hat = 3.4X + 7.8` (NumPy part) and
`3.4X + 8.0` (PyTorch part).

What differs from the lesson's code, and nothing else:
- the imports: `import tinygrad_lr as torch`, and `train_test_split` / `StandardScaler` from
  `tinygrad_lr.preprocessing` instead of scikit-learn (same names, same fitted attributes, and the split draws
  from NumPy's global generator as scikit-learn's does, so it picks the same rows);
- no pandas: the data stay the NumPy array `data` (`df[["X"]].values` is `data[:, [0]]`, `df.iloc[i]["y"]` is
  `data[i, 1]`);
- figures are saved as PNG files (`--plots DIR`) instead of shown, and skipped without matplotlib;
- the notebook's cells are grouped into three functions sharing one namespace, in the lesson's order.

    python examples/madewithml_linear_regression.py [--plots DIR] [--numpy-only]
"""

# ruff: noqa: N803, N806, N816  (X, W: the lesson's names)

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

import tinygrad_lr as torch
from tinygrad_lr import nn
from tinygrad_lr.optim import Adam
from tinygrad_lr.plotting import PlottingUnavailableError, pyplot
from tinygrad_lr.preprocessing import StandardScaler, train_test_split

SEED = 1234
NUM_SAMPLES = 50
TRAIN_SIZE = 0.7
VAL_SIZE = 0.15
TEST_SIZE = 0.15
LEARNING_RATE = 1e-1
NUM_EPOCHS = 100
L2_LAMBDA = 1e-2


class Figures:
    """`plt.show()` of the lesson, as numbered PNG files in a folder (or nothing without matplotlib)."""

    def __init__(self, folder: str) -> None:
        self.folder, self.count, self.plt = Path(folder), 0, None
        if folder:
            try:
                self.plt = pyplot()
                self.folder.mkdir(parents=True, exist_ok=True)
            except PlottingUnavailableError as error:
                print(f"no figures: {error}", file=sys.stderr)

    def show(self) -> None:
        self.count += 1
        self.plt.savefig(self.folder / f"madewithml_{self.count}.png")
        self.plt.close("all")


def generate_data(num_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Generate dummy data for linear regression."""
    X = np.array(range(num_samples))
    random_noise = np.random.uniform(-10, 20, size=num_samples)
    y = 3.5 * X + random_noise  # add some noise
    return X, y


def standardize_data(data: np.ndarray, mean: Any, std: Any) -> np.ndarray:
    return (data - mean) / std


def numpy_part(figures: Figures) -> dict[str, Any]:
    """Data, split, standardization and gradient descent in NumPy (the lesson's first half)."""
    np.random.seed(SEED)
    X, y = generate_data(num_samples=NUM_SAMPLES)
    data = np.vstack([X, y]).T
    print(data[:5])
    X = data[:, [0]]
    y = data[:, [1]]
    if figures.plt:
        plt = figures.plt
        plt.title("Generated data")
        plt.scatter(x=data[:, 0], y=data[:, 1])
        figures.show()

    # Shuffle data
    indices = list(range(NUM_SAMPLES))
    np.random.shuffle(indices)
    X = X[indices]
    y = y[indices]

    # Split indices
    train_start = 0
    train_end = int(0.7 * NUM_SAMPLES)
    val_start = train_end
    val_end = int((TRAIN_SIZE + VAL_SIZE) * NUM_SAMPLES)
    test_start = val_end

    # Split data
    X_train = X[train_start:train_end]
    y_train = y[train_start:train_end]
    X_val = X[val_start:val_end]
    y_val = y[val_start:val_end]
    X_test = X[test_start:]
    y_test = y[test_start:]
    print(f"X_train: {X_train.shape}, y_train: {y_train.shape}")
    print(f"X_val: {X_val.shape}, y_test: {y_val.shape}")
    print(f"X_test: {X_test.shape}, y_test: {y_test.shape}")

    # Determine means and stds
    X_mean = np.mean(X_train)
    X_std = np.std(X_train)
    y_mean = np.mean(y_train)
    y_std = np.std(y_train)

    # Standardize
    X_train = standardize_data(X_train, X_mean, X_std)
    y_train = standardize_data(y_train, y_mean, y_std)
    X_val = standardize_data(X_val, X_mean, X_std)
    y_val = standardize_data(y_val, y_mean, y_std)
    X_test = standardize_data(X_test, X_mean, X_std)
    y_test = standardize_data(y_test, y_mean, y_std)
    print(f"mean: {np.mean(X_test, axis=0)[0]:.1f}, std: {np.std(X_test, axis=0)[0]:.1f}")
    print(f"mean: {np.mean(y_test, axis=0)[0]:.1f}, std: {np.std(y_test, axis=0)[0]:.1f}")

    INPUT_DIM = X_train.shape[1]  # X is 1-dimensional
    OUTPUT_DIM = y_train.shape[1]  # y is 1-dimensional

    # Initialize random weights
    W = 0.01 * np.random.randn(INPUT_DIM, OUTPUT_DIM)
    b = np.zeros((1, 1))
    print(f"W: {W.shape}")
    print(f"b: {b.shape}")

    # Forward pass [NX1] · [1X1] = [NX1]
    y_pred = np.dot(X_train, W) + b
    print(f"y_pred: {y_pred.shape}")

    # Loss
    N = len(y_train)
    loss = (1 / N) * np.sum((y_train - y_pred) ** 2)
    print(f"loss: {loss:.2f}")

    # Initialize random weights
    W = 0.01 * np.random.randn(INPUT_DIM, OUTPUT_DIM)
    b = np.zeros((1,))

    # Training loop
    for epoch_num in range(NUM_EPOCHS):
        # Forward pass [NX1] · [1X1] = [NX1]
        y_pred = np.dot(X_train, W) + b
        # Loss
        loss = (1 / len(y_train)) * np.sum((y_train - y_pred) ** 2)
        # Show progress
        if epoch_num % 10 == 0:
            print(f"Epoch: {epoch_num}, loss: {loss:.3f}")
        # Backpropagation
        dW = -(2 / N) * np.sum((y_train - y_pred) * X_train)
        db = -(2 / N) * np.sum((y_train - y_pred) * 1)
        # Update weights
        W += -LEARNING_RATE * dW
        b += -LEARNING_RATE * db

    # Predictions
    pred_train = W * X_train + b
    pred_test = W * X_test + b
    # Train and test MSE
    train_mse = np.mean((y_train - pred_train) ** 2)
    test_mse = np.mean((y_test - pred_test) ** 2)
    print(f"train_MSE: {train_mse:.2f}, test_MSE: {test_mse:.2f}")
    if figures.plt:
        _plot_train_test(figures, X_train, y_train, pred_train, X_test, y_test, pred_test)

    # Unscaled weights
    W_unscaled = W * (y_std / X_std)
    b_unscaled = b * y_std + y_mean - np.sum(W_unscaled * X_mean)
    print("[actual] y = 3.5X + noise")
    print(f"[model] y_hat = {W_unscaled[0][0]:.1f}X + {b_unscaled[0]:.1f}")
    return {"X": X, "y": y, "data": data, "INPUT_DIM": INPUT_DIM, "OUTPUT_DIM": OUTPUT_DIM}


class LinearRegression(nn.Module):
    def __init__(self, input_dim: int, output_dim: int) -> None:
        super(LinearRegression, self).__init__()  # noqa: UP008  (the lesson's spelling)
        self.fc1 = nn.Linear(input_dim, output_dim)

    def forward(self, x_in: torch.Tensor) -> torch.Tensor:
        y_pred = self.fc1(x_in)
        return y_pred


def pytorch_part(figures: Figures, X: np.ndarray, y: np.ndarray, data: np.ndarray, INPUT_DIM: int,
                 OUTPUT_DIM: int) -> None:
    """The lesson's second half: scikit-learn's split and scaler, then nn.Linear, MSELoss and Adam."""
    # Set seed for reproducibility
    torch.manual_seed(SEED)

    # Split (train)
    X_train, X_, y_train, y_ = train_test_split(X, y, train_size=TRAIN_SIZE)
    print(f"train: {len(X_train)} ({(len(X_train) / len(X)):.2f})\n"
          f"remaining: {len(X_)} ({(len(X_) / len(X)):.2f})")
    # Split (test)
    X_val, X_test, y_val, y_test = train_test_split(X_, y_, train_size=0.5)
    print(f"train: {len(X_train)} ({len(X_train)/len(X):.2f})\n"
          f"val: {len(X_val)} ({len(X_val)/len(X):.2f})\n"
          f"test: {len(X_test)} ({len(X_test)/len(X):.2f})")

    # Standardize the data (mean=0, std=1) using training data
    X_scaler = StandardScaler().fit(X_train)
    y_scaler = StandardScaler().fit(y_train)
    # Apply scaler on training and test data
    X_train = X_scaler.transform(X_train)
    y_train = y_scaler.transform(y_train).ravel().reshape(-1, 1)
    X_val = X_scaler.transform(X_val)
    y_val = y_scaler.transform(y_val).ravel().reshape(-1, 1)
    X_test = X_scaler.transform(X_test)
    y_test = y_scaler.transform(y_test).ravel().reshape(-1, 1)
    # Check (means should be ~0 and std should be ~1)
    print(f"mean: {np.mean(X_test, axis=0)[0]:.1f}, std: {np.std(X_test, axis=0)[0]:.1f}")
    print(f"mean: {np.mean(y_test, axis=0)[0]:.1f}, std: {np.std(y_test, axis=0)[0]:.1f}")

    # Inputs
    N = 3  # num samples
    x = torch.randn(N, INPUT_DIM)
    print(x.shape)
    print(x.numpy())
    # Weights
    m = nn.Linear(INPUT_DIM, OUTPUT_DIM)
    print(m)
    print(f"weights ({m.weight.shape}): {m.weight[0][0]}")
    print(f"bias ({m.bias.shape}): {m.bias[0]}")
    # Forward pass
    z = m(x)
    print(z.shape)
    print(z.detach().numpy())

    # Initialize model
    model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
    print(model.named_parameters)

    loss_fn = nn.MSELoss()
    y_pred = torch.Tensor([0., 0., 1., 1.])
    y_true = torch.Tensor([1., 1., 1., 0.])
    loss = loss_fn(y_pred, y_true)
    print("Loss: ", loss.numpy())

    # Optimizer
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)

    # Convert data to tensors
    X_train = torch.Tensor(X_train)
    y_train = torch.Tensor(y_train)
    X_val = torch.Tensor(X_val)
    y_val = torch.Tensor(y_val)
    X_test = torch.Tensor(X_test)
    y_test = torch.Tensor(y_test)

    _train(model, optimizer, loss_fn, X_train, y_train)
    # Predictions
    pred_train = model(X_train)
    pred_test = model(X_test)
    # Performance
    train_error = loss_fn(pred_train, y_train)
    test_error = loss_fn(pred_test, y_test)
    print(f"train_error: {train_error:.2f}")
    print(f"test_error: {test_error:.2f}")
    if figures.plt:
        _plot_train_test(figures, X_train, y_train, pred_train.detach().numpy(), X_test, y_test,
                         pred_test.detach().numpy())

    # Feed in your own inputs
    sample_indices = [10, 15, 25]
    X_infer = np.array(sample_indices, dtype=np.float32)
    X_infer = torch.Tensor(X_scaler.transform(X_infer.reshape(-1, 1)))
    # Unstandardize predictions
    pred_infer = model(X_infer).detach().numpy() * np.sqrt(y_scaler.var_) + y_scaler.mean_
    for i, index in enumerate(sample_indices):
        print(f"{data[index, 1]:.2f} (actual) → {pred_infer[i][0]:.2f} (predicted)")

    # Unstandardize coefficients
    W = model.fc1.weight.data.numpy()
    b = model.fc1.bias.data.numpy()
    W_unscaled = W * (y_scaler.scale_ / X_scaler.scale_)
    b_unscaled = b * y_scaler.scale_ + y_scaler.mean_ - np.sum(W_unscaled * X_scaler.mean_)
    print("[actual] y = 3.5X + noise")
    print(f"[model] y_hat = {W_unscaled[0][0]:.1f}X + {b_unscaled[0]:.1f}")

    # Regularization: initialize model, optimizer (w/ L2 regularization)
    model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=L2_LAMBDA)
    _train(model, optimizer, loss_fn, X_train, y_train)
    # Predictions
    pred_train = model(X_train)
    pred_test = model(X_test)
    # Performance
    train_error = loss_fn(pred_train, y_train)
    test_error = loss_fn(pred_test, y_test)
    print(f"train_error: {train_error:.2f}")
    print(f"test_error: {test_error:.2f}")


def _train(model: nn.Module, optimizer: Any, loss_fn: Any, X_train: Any, y_train: Any) -> None:
    # Training
    for epoch in range(NUM_EPOCHS):
        # Forward pass
        y_pred = model(X_train)
        # Loss
        loss = loss_fn(y_pred, y_train)
        # Zero all gradients
        optimizer.zero_grad()
        # Backward pass
        loss.backward()
        # Update weights
        optimizer.step()
        if epoch % 20 == 0:
            print(f"Epoch: {epoch} | loss: {loss:.2f}")


def _plot_train_test(figures: Figures, X_train: Any, y_train: Any, pred_train: Any, X_test: Any, y_test: Any,
                     pred_test: Any) -> None:
    plt = figures.plt
    # Figure size
    plt.figure(figsize=(15, 5))
    # Plot train data
    plt.subplot(1, 2, 1)
    plt.title("Train")
    plt.scatter(X_train, y_train, label="y_train")
    plt.plot(X_train, pred_train, color="red", linewidth=1, linestyle="-", label="model")
    plt.legend(loc="lower right")
    # Plot test data
    plt.subplot(1, 2, 2)
    plt.title("Test")
    plt.scatter(X_test, y_test, label="y_test")
    plt.plot(X_test, pred_test, color="red", linewidth=1, linestyle="-", label="model")
    plt.legend(loc="lower right")
    # Show plots
    figures.show()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", default="", help="folder for the lesson's figures (default: none)")
    parser.add_argument("--numpy-only", action="store_true", help="run the NumPy half only")
    args = parser.parse_args(argv)
    figures = Figures(args.plots)
    print("== NumPy ==")
    state = numpy_part(figures)
    if not args.numpy_only:
        print("== PyTorch ==")
        pytorch_part(figures, **state)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
