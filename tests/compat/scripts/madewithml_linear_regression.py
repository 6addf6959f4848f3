# The Made With ML linear-regression lesson (seed 004), its PyTorch half, transcribed. The lesson's data come from
# its NumPy half (generated, shuffled, two weight initialisations drawing from NumPy's global generator), which is
# reproduced first; scikit-learn's train_test_split and StandardScaler, and pandas, are replaced by the few NumPy
# lines they amount to (same draws, same numbers), so the script needs only NumPy and torch.
import math

import numpy as np
import torch
from torch import nn
from torch.optim import Adam

SEED = 1234
NUM_SAMPLES = 50
np.random.seed(SEED)


def generate_data(num_samples):
    X = np.array(range(num_samples))
    random_noise = np.random.uniform(-10, 20, size=num_samples)
    y = 3.5 * X + random_noise
    return X, y


X, y = generate_data(num_samples=NUM_SAMPLES)
data = np.vstack([X, y]).T
X, y = data[:, [0]], data[:, [1]]
y_by_index = data[:, 1].copy()  # the lesson's df["y"]
indices = list(range(NUM_SAMPLES))
np.random.shuffle(indices)
X, y = X[indices], y[indices]
INPUT_DIM, OUTPUT_DIM = 1, 1
W = 0.01 * np.random.randn(INPUT_DIM, OUTPUT_DIM)  # the NumPy half's two initialisations
W = 0.01 * np.random.randn(INPUT_DIM, OUTPUT_DIM)


def train_test_split(X, y, train_size):
    """scikit-learn's split with the global generator: test = first n_test of a permutation, train the next."""
    n_train = math.floor(train_size * len(X))
    n_test = len(X) - n_train
    permutation = np.random.permutation(len(X))
    test, train = permutation[:n_test], permutation[n_test:n_test + n_train]
    return X[train], X[test], y[train], y[test]


class StandardScaler:
    def fit(self, data):
        self.mean_ = data.mean(axis=0)
        self.var_ = data.var(axis=0)
        self.scale_ = np.sqrt(self.var_)
        return self

    def transform(self, data):
        return (data - self.mean_) / self.scale_


# ---- the lesson's PyTorch half ----
torch.manual_seed(SEED)
TRAIN_SIZE = 0.7
VAL_SIZE = 0.15
TEST_SIZE = 0.15
X_train, X_, y_train, y_ = train_test_split(X, y, train_size=TRAIN_SIZE)
print(f"train: {len(X_train)} ({(len(X_train) / len(X)):.2f})\n"
      f"remaining: {len(X_)} ({(len(X_) / len(X)):.2f})")
X_val, X_test, y_val, y_test = train_test_split(X_, y_, train_size=0.5)
print(f"train: {len(X_train)} ({len(X_train)/len(X):.2f})\n"
      f"val: {len(X_val)} ({len(X_val)/len(X):.2f})\n"
      f"test: {len(X_test)} ({len(X_test)/len(X):.2f})")

X_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train)
X_train = X_scaler.transform(X_train)
y_train = y_scaler.transform(y_train).ravel().reshape(-1, 1)
X_val = X_scaler.transform(X_val)
y_val = y_scaler.transform(y_val).ravel().reshape(-1, 1)
X_test = X_scaler.transform(X_test)
y_test = y_scaler.transform(y_test).ravel().reshape(-1, 1)
print(f"mean: {np.mean(X_test, axis=0)[0]:.1f}, std: {np.std(X_test, axis=0)[0]:.1f}")
print(f"mean: {np.mean(y_test, axis=0)[0]:.1f}, std: {np.std(y_test, axis=0)[0]:.1f}")

N = 3
x = torch.randn(N, INPUT_DIM)
print(x.shape)
print(x.numpy())
m = nn.Linear(INPUT_DIM, OUTPUT_DIM)
print(m)
print(f"weights ({m.weight.shape}): {m.weight[0][0]:.2f}")
print(f"bias ({m.bias.shape}): {m.bias[0]:.2f}")
z = m(x)
print(z.shape)
print(z.detach().numpy())


class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, output_dim)

    def forward(self, x_in):
        y_pred = self.fc1(x_in)
        return y_pred


model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
print(model.named_parameters)

loss_fn = nn.MSELoss()
y_pred = torch.Tensor([0., 0., 1., 1.])
y_true = torch.Tensor([1., 1., 1., 0.])
loss = loss_fn(y_pred, y_true)
print("Loss: ", loss.numpy())

LEARNING_RATE = 1e-1
NUM_EPOCHS = 100
optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
X_train = torch.Tensor(X_train)
y_train = torch.Tensor(y_train)
X_val = torch.Tensor(X_val)
y_val = torch.Tensor(y_val)
X_test = torch.Tensor(X_test)
y_test = torch.Tensor(y_test)

for epoch in range(NUM_EPOCHS):
    y_pred = model(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | loss: {loss:.2f}")

pred_train = model(X_train)
pred_test = model(X_test)
train_error = loss_fn(pred_train, y_train)
test_error = loss_fn(pred_test, y_test)
print(f"train_error: {train_error:.2f}")
print(f"test_error: {test_error:.2f}")

sample_indices = [10, 15, 25]
X_infer = np.array(sample_indices, dtype=np.float32)
X_infer = torch.Tensor(X_scaler.transform(X_infer.reshape(-1, 1)))
pred_infer = model(X_infer).detach().numpy() * np.sqrt(y_scaler.var_) + y_scaler.mean_
for i, index in enumerate(sample_indices):
    print(f"{y_by_index[index]:.2f} (actual) → {pred_infer[i][0]:.2f} (predicted)")

W = model.fc1.weight.data.numpy()
b = model.fc1.bias.data.numpy()
W_unscaled = W * (y_scaler.scale_ / X_scaler.scale_)
b_unscaled = b * y_scaler.scale_ + y_scaler.mean_ - np.sum(W_unscaled * X_scaler.mean_)
print("[actual] y = 3.5X + noise")
print(f"[model] y_hat = {W_unscaled[0][0]:.1f}X + {b_unscaled[0]:.1f}")

L2_LAMBDA = 1e-2
model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
optimizer = Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=L2_LAMBDA)
for epoch in range(NUM_EPOCHS):
    y_pred = model(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | loss: {loss:.2f}")
pred_train = model(X_train)
pred_test = model(X_test)
print(f"train_error: {loss_fn(pred_train, y_train):.2f}")
print(f"test_error: {loss_fn(pred_test, y_test):.2f}")
