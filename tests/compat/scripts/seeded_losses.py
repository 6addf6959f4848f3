# A seeded run: the same seed gives the same initial weights, draws, dropout masks and losses.
import torch
import torch.nn as nn

torch.manual_seed(0)
print(torch.rand(3))
print(torch.randn(2, 3))
print(torch.randint(0, 10, (5,)))
print(torch.randperm(6))

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.2), nn.Linear(8, 1))
print(model[0].weight)
print(model[3].bias)
X = torch.randn(64, 4)
y = (X[:, :1] * 2 - X[:, 1:2]).sin()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = nn.MSELoss()
for step in range(30):
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(f"step {step:2d} loss {loss.item():.6f}")
model.eval()
print(f"final {loss_fn(model(X), y).item():.6f}")
torch.manual_seed(0)
print(torch.rand(3))
