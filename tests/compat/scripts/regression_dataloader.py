# Linear regression on synthetic data with a Dataset, a shuffling DataLoader, nn.Linear and SGD.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset, random_split

torch.manual_seed(42)
rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, size=(200, 3)).astype(np.float32)
true_w = np.array([[2.0], [-3.0], [0.5]], dtype=np.float32)
y = X @ true_w + 1.0 + 0.1 * rng.randn(200, 1).astype(np.float32)


class RegressionData(Dataset):
    def __init__(self, X, y):
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


dataset = RegressionData(X, y)
train_set, val_set = random_split(dataset, [160, 40])
print(len(train_set), len(val_set))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=40)

model = nn.Linear(3, 1)
print(model.weight, model.bias)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(20):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        pred = model(xb)
        loss = loss_fn(pred, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_loss = sum(loss_fn(model(xb), yb).item() for xb, yb in val_loader)
    if epoch % 4 == 0 or epoch == 19:
        print(f"epoch {epoch:2d}  train {total / len(train_set):.5f}  val {val_loss:.5f}")

print(model.weight.data, model.bias.data)
first_x, first_y = next(iter(DataLoader(TensorDataset(torch.tensor(X[:4]), torch.tensor(y[:4])), batch_size=2)))
print(first_x.shape, first_y.shape)
