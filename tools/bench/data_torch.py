# The training pipeline of spec §5.2 (CUB200224) in torchvision, timed over the same files.
# usage: data_torch.py <list-file> <workers> -> prints one JSON line {imgsPerSec, torchvision}
import json, sys, time
import torch, torchvision
from torchvision import transforms as T
from PIL import Image

files = [l.strip() for l in open(sys.argv[1]) if l.strip()]
workers = int(sys.argv[2])
torch.set_num_threads(1)
tf = T.Compose([
    T.Resize(510),
    T.RandomApply([T.GaussianBlur(5, (0.1, 5))], p=0.1),
    T.RandomAdjustSharpness(1.5, p=0.1),
    T.RandomApply([T.RandomRotation(15)], p=1 / 3),
    T.RandomPerspective(0.2, p=1 / 3),
    T.RandomApply([T.RandomAffine(0, shear=(-10, 10))], p=1 / 3),
    T.RandomHorizontalFlip(),
    T.RandomResizedCrop(384),
    T.Resize((224, 224)),
    T.ToTensor(),
    T.Normalize((0.4862, 0.5005, 0.4334), (0.2321, 0.2277, 0.2665)),
])

class DS(torch.utils.data.Dataset):
    def __len__(self): return len(files)
    def __getitem__(self, i): return tf(Image.open(files[i]).convert('RGB')), 0

dl = torch.utils.data.DataLoader(DS(), batch_size=32, shuffle=True, num_workers=workers)
t = time.perf_counter(); n = 0
for x, _ in dl: n += x.shape[0]
print(json.dumps({'imgsPerSec': n / (time.perf_counter() - t), 'torchvision': torchvision.__version__}))
