# Evaluating a trained model: inference_mode, a compiled model, a state_dict round trip.
import torch
import torch.nn as nn

torch.manual_seed(5)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
x = torch.randn(5, 3)
compiled = torch.compile(model, backend="eager")
with torch.inference_mode():
    out = compiled(x)
print(out)
print(out.requires_grad)


@torch.inference_mode()
def predict(batch):
    return model(batch).argmax(dim=1)


print(predict(x))
with torch.no_grad():
    print(model(x).requires_grad)
print(model(x).requires_grad)
state = model.state_dict()
print(list(state.keys()))
print(state["0.bias"])
clone = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
print(clone.load_state_dict(state))
print((clone(x) - model(x)).abs().max().item())


def square_plus_one(t):
    return t * t + 1


fast = torch.compile(square_plus_one, backend="eager")
print(fast(torch.tensor([1.0, 2.0, 3.0])))
