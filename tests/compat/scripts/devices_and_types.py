# Devices and tensor types as scripts use them: pick a device, move model and data, legacy constructors.
import numpy as np
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, repr(device), device.type)
if torch.backends.mps.is_available():
    device = torch.device("mps")
print(f"Using {device}")
print(torch.cuda.device_count(), torch.cuda.is_available())

model = nn.Linear(2, 1).to(device)
x = torch.randn(4, 2, device=device)
print(model(x).shape, x.device, x.is_cuda)
print(x.cpu() is x, x.to("cpu") is x, x.to(device).dtype)
try:
    x.cuda()
except AssertionError as error:
    print("AssertionError:", error)
try:
    torch.zeros(2, device="cuda")
except AssertionError as error:
    print("AssertionError:", error)

a = torch.Tensor(np.array([[1.5, 2.5]], dtype=np.float64))
print(a, a.dtype, a.type())
print(torch.Tensor(2, 3).shape, torch.Tensor().shape, torch.Tensor([1, 2, 3]))
print(torch.FloatTensor([1, 2]), torch.DoubleTensor([1, 2]), torch.LongTensor([1.7, -2.7]))
print(torch.IntTensor([3, 4]).dtype, torch.BoolTensor([0, 2]))
try:
    torch.Tensor(2.5)
except TypeError as error:
    print("TypeError:", error)
f = torch.tensor([1.0, 2.0])
d = f.double()
print(isinstance(f, torch.FloatTensor), isinstance(d, torch.FloatTensor), isinstance(d, torch.DoubleTensor))
print(isinstance(f, torch.Tensor), isinstance(nn.Parameter(f), torch.Tensor), isinstance(model.weight, torch.FloatTensor))
print(f.type(), d.type(), f.type(torch.DoubleTensor).dtype, f.type("torch.LongTensor"), f.type(torch.int32))
print(torch.float32 == torch.float, torch.float64 is torch.double, f.dtype.is_floating_point, torch.int64.is_floating_point)
print(f.is_floating_point(), torch.tensor([1]).is_floating_point(), f.to(torch.float64, copy=True))
print(torch.get_default_dtype())
torch.set_default_dtype(torch.float64)
print(torch.tensor([1.0]).dtype, torch.Tensor([1]).dtype, torch.get_default_dtype())
torch.set_default_dtype(torch.float32)
print(torch.Tensor([1]).dtype)
