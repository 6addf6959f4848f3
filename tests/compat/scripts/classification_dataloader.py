# A 3-class classifier (MLP, CrossEntropyLoss, Adam) on Gaussian blobs, with DataLoader batches and accuracy.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
rng = np.random.RandomState(1)
centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
X = np.concatenate([c + 0.7 * rng.randn(100, 2) for c in centers]).astype(np.float32)
y = np.repeat(np.arange(3), 100)
X_t, y_t = torch.tensor(X), torch.LongTensor(y)
print(X_t.dtype, y_t.dtype, X_t.shape, y_t[:5], y_t.type())


class MLP(nn.Module):
    def __init__(self, in_dim, hidden, out_dim):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, out_dim)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = MLP(2, 16, 3)
print(model)
loader = DataLoader(TensorDataset(X_t, y_t), batch_size=30, shuffle=True)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()

for epoch in range(15):
    epoch_loss, correct = 0.0, 0
    for xb, yb in loader:
        logits = model(xb)
        loss = criterion(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        correct += (logits.argmax(dim=1) == yb).sum().item()
    if epoch % 3 == 0:
        print(f"Epoch {epoch}: loss {epoch_loss / len(loader):.4f}, accuracy {correct / len(X_t):.3f}")

with torch.no_grad():
    probs = F.softmax(model(X_t[:3]), dim=1)
print(probs)
print(probs.sum(dim=1))
print(model(X_t).argmax(1)[:10])
