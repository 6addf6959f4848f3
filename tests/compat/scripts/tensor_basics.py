# Tensors: creating them, their shapes and types, indexing, arithmetic, NumPy.
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
print(x_data.dtype, x_data.shape)

np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np)

x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.zeros_like(x_data, dtype=torch.float)
print(f"Zeros Tensor: \n {x_rand} \n")

shape = (2, 3,)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.arange(12, dtype=torch.float32).reshape(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
tensor = tensor.to(device)

print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
print(y1)
print((y1 - y2).abs().max().item() == 0)
z1 = tensor * tensor
print(z1)

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")

print(torch.linspace(0, 1, 5))
print(torch.eye(3))
print(torch.full((2, 2), 7.5))
print(torch.tensor([1.5, 2.5], dtype=torch.float64))
print(torch.tensor([True, False, True]))
print(torch.tensor(3.14159), torch.tensor(42))
print(x_data.float(), x_data.double().dtype, x_data.long().dtype)
print(torch.is_tensor(tensor), torch.is_floating_point(tensor), torch.numel(tensor))
print(torch.pi, torch.e, torch.inf, torch.nan)
print(tensor.view(-1, 6))
print(tensor.unsqueeze(0).shape, tensor.reshape(12).shape, tensor.flatten().shape)
print(torch.get_default_dtype())
