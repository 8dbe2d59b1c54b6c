#!/usr/bin/python3
"""pytorch/examples' dcgan as examples/Dcgan runs it on Fashion-MNIST, in PyTorch, for a side-by-side run.

The same networks, weights_init and seed; each image resized to 64×64 on the uint8 tensor (torchvision's tensor
Resize, bilinear), then scaled to [0, 1] and normalised with (0.5, 0.5), as the example's transforms do; the training
order NeuralCore's seeded shuffle makes (epoch e permutes with torch.randperm(n, generator=torch.Generator()
.manual_seed(manualSeed + e))); the same draws from the global generator (fixed noise, then each step's noise).
Prints the example's loss lines:
    /usr/bin/python3 bench/reference/dcgan.py --manualSeed 1 --max-steps 20
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.optim as optim
import torchvision.transforms as transforms

from idx import read_idx


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self, nz, ngf, nc):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, nc, ndf):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataroot", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--batchSize", type=int, default=64)
    parser.add_argument("--imageSize", type=int, default=64)
    parser.add_argument("--nz", type=int, default=100)
    parser.add_argument("--ngf", type=int, default=64)
    parser.add_argument("--ndf", type=int, default=64)
    parser.add_argument("--niter", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.0002)
    parser.add_argument("--beta1", type=float, default=0.5)
    parser.add_argument("--manualSeed", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    opt = parser.parse_args()
    torch.set_num_threads(opt.threads)
    print("Random Seed: ", opt.manualSeed)
    torch.manual_seed(opt.manualSeed)
    images = read_idx(os.path.join(opt.dataroot, "train-images-idx3-ubyte.gz"))
    transform = transforms.Compose([transforms.Resize(opt.imageSize), transforms.ConvertImageDtype(torch.float),
                                    transforms.Normalize((0.5,), (0.5,))])
    n, nc = len(images), 1
    steps = (n + opt.batchSize - 1) // opt.batchSize

    netG = Generator(opt.nz, opt.ngf, nc)
    netG.apply(weights_init)
    netD = Discriminator(nc, opt.ndf)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    fixed_noise = torch.randn(opt.batchSize, opt.nz, 1, 1)
    real_label, fake_label = 1, 0
    optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

    for epoch in range(opt.niter):
        order = torch.randperm(n, generator=torch.Generator().manual_seed(opt.manualSeed + epoch))
        for i in range(min(steps, opt.max_steps)):
            positions = order[i * opt.batchSize:(i + 1) * opt.batchSize]
            real_cpu = torch.stack([transform(images[p].unsqueeze(0)) for p in positions.tolist()])
            netD.zero_grad()
            batch_size = real_cpu.size(0)
            label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype)
            output = netD(real_cpu)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()
            noise = torch.randn(batch_size, opt.nz, 1, 1)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach())
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            print("[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f / %.4f"
                  % (epoch, opt.niter, i, steps, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))


if __name__ == "__main__":
    main()
