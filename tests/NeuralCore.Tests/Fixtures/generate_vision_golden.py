"""Vision fixtures and golden values with Debian's python3-torchvision 0.14 and PIL: python3 generate_vision_golden.py.

Writes small images in every format NeuralCore.Vision reads to Fixtures/images/ (made with PIL from a seeded
pattern), plus a truncated PNG and a file that is no image, and Fixtures/vision_golden.json: the pixels
torchvision.io.read_image gives for the PNG and JPEG files in each mode (PIL's for BMP, GIF and WebP, which
torchvision 0.14 does not read), and torchvision.utils.make_grid and save_image results.
"""
import io
import json
import os

import numpy
import torch
import torchvision
from PIL import Image
from torchvision.io import ImageReadMode, read_image
from torchvision.utils import make_grid, save_image

from golden_pack import pack

here = os.path.dirname(os.path.abspath(__file__))
images = os.path.join(here, "images")
os.makedirs(images, exist_ok=True)

generator = torch.Generator().manual_seed(0)
height, width = 6, 9
# A smooth pattern plus noise: JPEG's blocks and resampling both see structure and detail.
ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
rgb = torch.stack([xs * 28, ys * 40, (xs + ys) * 15]).float() + torch.randint(0, 30, (3, height, width), generator=generator)
rgb = rgb.clamp(0, 255).to(torch.uint8)
alpha = torch.randint(0, 256, (1, height, width), generator=generator, dtype=torch.uint8)
hwc = rgb.permute(1, 2, 0).numpy()
rgba = numpy.concatenate([hwc, alpha.permute(1, 2, 0).numpy()], axis=2)
gray = Image.fromarray(hwc).convert("L")

files = {
    "rgb.png": Image.fromarray(hwc),
    "rgba.png": Image.fromarray(rgba, "RGBA"),
    "gray.png": gray,
    "gray_alpha.png": Image.merge("LA", [gray, Image.fromarray(alpha[0].numpy())]),
    "rgb.jpg": Image.fromarray(hwc),
    "gray.jpg": gray,
    "rgb.bmp": Image.fromarray(hwc),
    "rgb.webp": Image.fromarray(hwc),
    "palette.gif": Image.fromarray(hwc).quantize(colors=16),
}
for name, image in files.items():
    options = {"lossless": True} if name.endswith(".webp") else {"quality": 90} if name.endswith(".jpg") else {}
    image.save(os.path.join(images, name), **options)
with open(os.path.join(images, "rgb.png"), "rb") as f:
    png = f.read()
with open(os.path.join(images, "truncated.png"), "wb") as f:
    f.write(png[: len(png) // 2])
with open(os.path.join(images, "not_an_image.png"), "wb") as f:
    f.write(b"These bytes are text, not a PNG.\n" * 4)

modes = {"unchanged": ImageReadMode.UNCHANGED, "gray": ImageReadMode.GRAY, "gray_alpha": ImageReadMode.GRAY_ALPHA,
         "rgb": ImageReadMode.RGB, "rgb_alpha": ImageReadMode.RGB_ALPHA}
reads = {}
for name in files:
    path = os.path.join(images, name)
    if name.endswith((".png", ".jpg")):
        for mode_name, mode in modes.items():
            if name.endswith(".jpg") and mode_name in ("gray_alpha", "rgb_alpha"):
                continue  # torchvision 0.14 reads JPEG without alpha only
            reads[f"{name}:{mode_name}"] = pack(read_image(path, mode))
    else:
        # What PIL decodes, as RGB (torchvision 0.14 has no reader for these formats).
        reads[f"{name}:rgb"] = pack(torch.from_numpy(numpy.array(Image.open(path).convert("RGB"))).permute(2, 0, 1))

batch = torch.randn(5, 3, 4, 6, generator=generator)
grids = {
    "defaults": {"input": pack(batch), "options": {}, "output": pack(make_grid(batch))},
    "nrow2_padding1_pad_value": {"input": pack(batch), "options": {"nrow": 2, "padding": 1, "pad_value": 0.5},
                                 "output": pack(make_grid(batch, nrow=2, padding=1, pad_value=0.5))},
    "normalize": {"input": pack(batch), "options": {"normalize": True},
                  "output": pack(make_grid(batch, normalize=True))},
    "normalize_range_scale_each": {"input": pack(batch), "options": {"normalize": True, "value_range": [-1, 1], "scale_each": True},
                                   "output": pack(make_grid(batch, normalize=True, value_range=(-1, 1), scale_each=True))},
    "gray_batch": {"input": pack(batch[:, :1]), "options": {"nrow": 3},
                   "output": pack(make_grid(batch[:, :1], nrow=3))},
    "one_image": {"input": pack(batch[0]), "options": {}, "output": pack(make_grid(batch[0]))},
}
saved = torch.rand(4, 3, 5, 7, generator=generator)
buffer = io.BytesIO()
save_image(saved, buffer, format="png", nrow=2)
buffer.seek(0)
save = {"input": pack(saved), "nrow": 2,
        "pixels": pack(torch.from_numpy(numpy.array(Image.open(buffer))).permute(2, 0, 1).contiguous())}

# Fashion-MNIST's test split from Debian's dataset-fashion-mnist, through torchvision's IDX readers.
fashion = {}
debian = "/usr/share/datasets/fashion-mnist"
if os.path.exists(os.path.join(debian, "t10k-images-idx3-ubyte.gz")):
    import gzip
    import tempfile
    from torchvision.datasets import FashionMNIST
    from torchvision.datasets.mnist import read_image_file, read_label_file
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
            with gzip.open(os.path.join(debian, name + ".gz")) as source, open(os.path.join(scratch, name), "wb") as target:
                target.write(source.read())
        data = read_image_file(os.path.join(scratch, "t10k-images-idx3-ubyte"))
        targets = read_label_file(os.path.join(scratch, "t10k-labels-idx1-ubyte"))
    indices = [0, 1, 4321, 9999]
    fashion = {"count": len(targets), "classes": FashionMNIST.classes, "indices": indices,
               "targets": [int(targets[i]) for i in indices], "sums": [int(data[i].long().sum()) for i in indices],
               "first": pack(data[0])}

# Transforms on a fixed uint8 image and a float image; random ones after torch.manual_seed(seed), applied `repeat`
# times in a row (outputs stacked), so that the order of the draws is checked too.
import torchvision.transforms as T
from torchvision.transforms import InterpolationMode as IM

image_generator = torch.Generator().manual_seed(7)
uint8_image = torch.randint(0, 256, (3, 11, 14), generator=image_generator, dtype=torch.uint8)
float_image = torch.rand(3, 11, 14, generator=image_generator)
transform_cases = {
    "to_tensor": ("uint8", T.ConvertImageDtype(torch.float), 0, 1),
    "float_to_uint8": ("float", T.ConvertImageDtype(torch.uint8), 0, 1),
    "normalize": ("float", T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]), 0, 1),
    "resize_smaller_edge": ("uint8", T.Resize(7), 0, 1),
    "resize_nearest": ("uint8", T.Resize((5, 9), interpolation=IM.NEAREST), 0, 1),
    "resize_bicubic": ("float", T.Resize((8, 20), interpolation=IM.BICUBIC), 0, 1),
    "resize_bicubic_uint8": ("uint8", T.Resize((16, 20), interpolation=IM.BICUBIC), 0, 1),
    "resize_antialias": ("uint8", T.Resize((5, 6), antialias=True), 0, 1),
    "resize_max_size": ("float", T.Resize(10, max_size=12), 0, 1),
    "center_crop": ("uint8", T.CenterCrop((5, 7)), 0, 1),
    "center_crop_larger": ("uint8", T.CenterCrop((15, 16)), 0, 1),
    "pad_constant": ("uint8", T.Pad([1, 2, 3, 4], fill=7), 0, 1),
    "pad_edge": ("uint8", T.Pad([2, 1], padding_mode="edge"), 0, 1),
    "pad_reflect": ("float", T.Pad(2, padding_mode="reflect"), 0, 1),
    "pad_symmetric": ("uint8", T.Pad(3, padding_mode="symmetric"), 0, 1),
    "grayscale": ("uint8", T.Grayscale(), 0, 1),
    "grayscale_three": ("float", T.Grayscale(3), 0, 1),
    "gaussian_blur": ("uint8", T.GaussianBlur((3, 5), sigma=(0.5, 2.0)), 3, 2),
    "gaussian_blur_float": ("float", T.GaussianBlur(5), 4, 1),
    "random_crop_padding": ("uint8", T.RandomCrop((6, 8), padding=2), 3, 3),
    "random_crop_pad_if_needed": ("float", T.RandomCrop((13, 16), pad_if_needed=True, padding_mode="edge"), 3, 2),
    "random_horizontal_flip": ("uint8", T.RandomHorizontalFlip(), 11, 6),
    "random_vertical_flip": ("float", T.RandomVerticalFlip(0.3), 12, 6),
    "random_resized_crop": ("uint8", T.RandomResizedCrop(8), 1, 4),
    "random_resized_crop_fallback": ("float", T.RandomResizedCrop((6, 5), scale=(0.9, 1.0), ratio=(3.0, 4.0)), 2, 2),
    "random_grayscale": ("uint8", T.RandomGrayscale(0.5), 5, 4),
    "random_erasing": ("float", T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3)), 6, 3),
    "random_erasing_random": ("float", T.RandomErasing(p=0.7, value="random"), 8, 3),
    "random_rotation": ("uint8", T.RandomRotation(30), 13, 3),
    "random_rotation_bilinear_expand_fill": ("float", T.RandomRotation((10, 80), interpolation=IM.BILINEAR, expand=True, fill=0.5), 14, 1),
    "random_rotation_center": ("uint8", T.RandomRotation(45, center=(2, 3), fill=(10, 20, 30)), 15, 2),
    "random_affine": ("uint8", T.RandomAffine(20, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=10), 16, 3),
    "random_affine_bilinear_shear_xy": ("float", T.RandomAffine((5, 15), shear=(-5, 5, 10, 20), interpolation=IM.BILINEAR, fill=1.0), 17, 2),
    "color_jitter": ("uint8", T.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1), 18, 4),
    "color_jitter_float": ("float", T.ColorJitter(brightness=0.3, contrast=0.2, saturation=0.5, hue=0.3), 19, 3),
    "color_jitter_brightness": ("uint8", T.ColorJitter(brightness=0.8), 20, 2),
    "compose": ("uint8", T.Compose([T.RandomResizedCrop(9), T.RandomHorizontalFlip(), T.ConvertImageDtype(torch.float),
                                    T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]), 5, 3),
}
transforms_golden = {"uint8_image": pack(uint8_image), "float_image": pack(float_image), "cases": {}}
for name, (kind, transform, seed, repeat) in transform_cases.items():
    torch.manual_seed(seed)
    source = uint8_image if kind == "uint8" else float_image
    outputs = torch.stack([transform(source) for _ in range(repeat)])
    transforms_golden["cases"][name] = {"input": kind, "seed": seed, "repeat": repeat, "output": pack(outputs)}

with open(os.path.join(here, "vision_golden.json"), "w") as f:
    json.dump({"torchvision": torchvision.__version__, "reads": reads, "make_grid": grids, "save_image": save,
               "fashion_mnist_test": fashion, "transforms": transforms_golden}, f)
print(f"wrote {len(files) + 2} images and vision_golden.json: {len(reads)} reads, {len(grids)} grids")
