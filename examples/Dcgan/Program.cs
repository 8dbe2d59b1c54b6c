// pytorch/examples' dcgan, line by line, with NeuralCore.Vision: a generator of transposed convolutions and a
// convolutional discriminator trained against each other with BCE and Adam (lr 0.0002, beta1 0.5). By default on
// Fashion-MNIST (Debian's dataset-fashion-mnist) resized to 64×64, or on any image folder with --data DIR (or, as the
// original, --dataset folder --dataroot DIR). Saves OUTF/real_samples.png, OUTF/fake_samples_epoch_NNN.png every 100 steps and the two networks'
// state dicts (OUTF/netG_epoch_N.pth, netD_epoch_N.pth) after each epoch, in PyTorch's format.
//
// The data order is NeuralCore's seeded shuffle (epoch e permutes with manualSeed + e), so bench/reference/dcgan.py
// replays it in PyTorch and, from the same seed, prints the same losses.
using System.CommandLine;
using NeuralCore;
using NeuralCore.Data;
using NeuralCore.NN;
using NeuralCore.Optim;
using NeuralCore.Vision.Datasets;
using NeuralCore.Vision.Transforms;
using FashionMnist = NeuralCore.Vision.Datasets.FashionMnist;
using Utils = NeuralCore.Vision.Utils;

var datasetOption = new Option<string>("--dataset") { Description = "fashion-mnist | folder", DefaultValueFactory = _ => "fashion-mnist" };
var datarootOption = new Option<string?>("--dataroot") { Description = "path to dataset (a folder of class folders for --dataset folder)" };
var dataOption = new Option<string?>("--data") { Description = "an image folder to train on: short for --dataset folder --dataroot DIR" };
var workersOption = new Option<int>("--workers") { Description = "number of data loading workers", DefaultValueFactory = _ => 2 };
var batchSizeOption = new Option<int>("--batchSize") { Description = "input batch size", DefaultValueFactory = _ => 64 };
var imageSizeOption = new Option<int>("--imageSize") { Description = "the height / width of the input image to network", DefaultValueFactory = _ => 64 };
var nzOption = new Option<int>("--nz") { Description = "size of the latent z vector", DefaultValueFactory = _ => 100 };
var ngfOption = new Option<int>("--ngf") { DefaultValueFactory = _ => 64 };
var ndfOption = new Option<int>("--ndf") { DefaultValueFactory = _ => 64 };
var niterOption = new Option<int>("--niter") { Description = "number of epochs to train for", DefaultValueFactory = _ => 25 };
var lrOption = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 0.0002 };
var beta1Option = new Option<double>("--beta1") { Description = "beta1 for adam", DefaultValueFactory = _ => 0.5 };
var dryRunOption = new Option<bool>("--dry-run") { Description = "check a single training cycle works" };
var deviceOption = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
var netGOption = new Option<string?>("--netG") { Description = "path to netG (to continue training)" };
var netDOption = new Option<string?>("--netD") { Description = "path to netD (to continue training)" };
var outfOption = new Option<string>("--outf") { Description = "folder to output images and model checkpoints", DefaultValueFactory = _ => "results" };
var manualSeedOption = new Option<int?>("--manualSeed") { Description = "manual seed" };
var maxStepsOption = new Option<int?>("--max-steps") { Description = "stop each epoch after this many steps (quick runs)" };
var smokeOption = new Option<bool>("--smoke") { Description = "two steps of batch 4 with small networks (CI)" };
var command = new RootCommand("DCGAN (pytorch/examples dcgan)")
{
    datasetOption, datarootOption, dataOption, workersOption, batchSizeOption, imageSizeOption, nzOption, ngfOption, ndfOption, niterOption, lrOption, beta1Option,
    dryRunOption, deviceOption, netGOption, netDOption, outfOption, manualSeedOption, maxStepsOption, smokeOption,
};
command.SetAction(result =>
{
    var smoke = result.GetValue(smokeOption);
    var folder = result.GetValue(dataOption);
    var options = new DcganOptions(folder is null ? result.GetValue(datasetOption)! : "folder", folder ?? result.GetValue(datarootOption), result.GetValue(workersOption),
        smoke ? 4 : result.GetValue(batchSizeOption), result.GetValue(imageSizeOption), smoke ? 8 : result.GetValue(nzOption),
        smoke ? 8 : result.GetValue(ngfOption), smoke ? 8 : result.GetValue(ndfOption), smoke ? 1 : result.GetValue(niterOption), result.GetValue(lrOption),
        result.GetValue(beta1Option), result.GetValue(dryRunOption), Device.Parse(result.GetValue(deviceOption)!), result.GetValue(netGOption),
        result.GetValue(netDOption), result.GetValue(outfOption)!, result.GetValue(manualSeedOption) ?? Random.Shared.Next(1, 10001),
        smoke ? 2 : result.GetValue(maxStepsOption));
    return DcganExample.Run(options);
});
return command.Parse(args).Invoke();

internal sealed record DcganOptions(string Dataset, string? Dataroot, int Workers, int BatchSize, int ImageSize, int Nz, int Ngf, int Ndf, int Niter,
    double Lr, double Beta1, bool DryRun, Device Device, string? NetG, string? NetD, string Outf, int ManualSeed, int? MaxSteps);

internal static class DcganExample
{
    public static int Run(DcganOptions opt)
    {
        Directory.CreateDirectory(opt.Outf);
        Console.WriteLine($"Random Seed:  {opt.ManualSeed}");
        Torch.ManualSeed((ulong)opt.ManualSeed);

        Dataset<(Tensor, long)> dataset;
        int nc;
        switch (opt.Dataset)
        {
            case "fashion-mnist":
                dataset = new FashionMnist(opt.Dataroot ?? FashionMnist.DefaultRoot, train: true,
                    transform: new Compose(new Resize(opt.ImageSize), new ToTensor(), new Normalize([0.5], [0.5])));
                nc = 1;
                break;
            case "folder":
                dataset = new ImageFolder(opt.Dataroot ?? throw new ArgumentException("--dataset folder needs --dataroot"),
                    transform: new Compose(new Resize(opt.ImageSize), new CenterCrop(opt.ImageSize), new ToTensor(),
                        new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])));
                nc = 3;
                break;
            default:
                throw new ArgumentException($"--dataset is fashion-mnist or folder, not '{opt.Dataset}'");
        }
        var dataloader = new DataLoader<(Tensor, long), (Tensor Input, Tensor Target)>(dataset, Collate.Default, opt.BatchSize, shuffle: true,
            numWorkers: opt.Workers, seed: opt.ManualSeed);

        using var netG = new Generator(opt.Nz, opt.Ngf, nc);
        netG.Apply(WeightsInit);
        if (opt.NetG is { } g) netG.Load(g);
        netG.To(opt.Device);
        Console.WriteLine(netG);

        using var netD = new Discriminator(nc, opt.Ndf);
        netD.Apply(WeightsInit);
        if (opt.NetD is { } d) netD.Load(d);
        netD.To(opt.Device);
        Console.WriteLine(netD);

        var criterion = new BceLoss();
        using var fixedNoise = Tensor.Randn(opt.BatchSize, opt.Nz, 1, 1).To(opt.Device);
        const double realLabel = 1, fakeLabel = 0;

        // setup optimizer
        using var optimizerD = new Adam(netD.Parameters(), lr: opt.Lr, betas: (opt.Beta1, 0.999));
        using var optimizerG = new Adam(netG.Parameters(), lr: opt.Lr, betas: (opt.Beta1, 0.999));

        var steps = dataloader.Count ?? 0;
        for (var epoch = 0; epoch < opt.Niter; epoch++)
        {
            var i = 0;
            foreach (var (images, _) in dataloader)
            {
                if (i == opt.MaxSteps) break;
                using var step = TensorScope.Begin();
                // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
                // train with real
                netD.ZeroGrad();
                var realCpu = images.To(opt.Device);
                var batchSize = realCpu.Size(0);
                var label = Tensor.Full([batchSize], realLabel, realCpu.DType, opt.Device);
                var output = netD.Call(realCpu);
                var errDReal = criterion.Forward(output, label);
                errDReal.Backward();
                var dX = output.Mean().Item<double>();

                // train with fake
                var noise = Tensor.Randn(batchSize, opt.Nz, 1, 1).To(opt.Device);
                var fake = netG.Call(noise);
                label.FillInPlace(fakeLabel);
                output = netD.Call(fake.Detach());
                var errDFake = criterion.Forward(output, label);
                errDFake.Backward();
                var dGz1 = output.Mean().Item<double>();
                var errD = errDReal + errDFake;
                optimizerD.Step();

                // (2) Update G network: maximize log(D(G(z)))
                netG.ZeroGrad();
                label.FillInPlace(realLabel);  // fake labels are real for generator cost
                output = netD.Call(fake);
                var errG = criterion.Forward(output, label);
                errG.Backward();
                var dGz2 = output.Mean().Item<double>();
                optimizerG.Step();

                Console.WriteLine($"[{epoch}/{opt.Niter}][{i}/{steps}] Loss_D: {errD.Item<double>():F4} Loss_G: {errG.Item<double>():F4} D(x): {dX:F4} D(G(z)): {dGz1:F4} / {dGz2:F4}");
                if (i % 100 == 0)
                {
                    Utils.SaveImage(realCpu.To(Device.Cpu), Path.Combine(opt.Outf, "real_samples.png"), normalize: true);
                    using (Autograd.NoGrad())
                        Utils.SaveImage(netG.Call(fixedNoise).To(Device.Cpu), Path.Combine(opt.Outf, $"fake_samples_epoch_{epoch:D3}.png"), normalize: true);
                }
                i++;
                if (opt.DryRun) break;
            }
            // do checkpointing
            netG.Save(Path.Combine(opt.Outf, $"netG_epoch_{epoch}.pth"));
            netD.Save(Path.Combine(opt.Outf, $"netD_epoch_{epoch}.pth"));
            if (opt.DryRun) break;
        }
        return 0;
    }

    // custom weights initialization called on netG and netD
    private static void WeightsInit(Module m)
    {
        switch (m)
        {
            case ConvTranspose2d or Conv2d:
                Init.Normal(((ConvolutionModule)m).Weight, 0.0, 0.02);
                break;
            case BatchNorm2d bn:
                Init.Normal(bn.Weight!, 1.0, 0.02);
                Init.Zeros(bn.Bias!);
                break;
        }
    }
}

internal sealed class Generator : Module
{
    private readonly Sequential main;

    public Generator(int nz, int ngf, int nc) => main = new Sequential(
        // input is Z, going into a convolution
        new ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias: false), new BatchNorm2d(ngf * 8), new Relu(),
        // state size. (ngf*8) x 4 x 4
        new ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias: false), new BatchNorm2d(ngf * 4), new Relu(),
        // state size. (ngf*4) x 8 x 8
        new ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias: false), new BatchNorm2d(ngf * 2), new Relu(),
        // state size. (ngf*2) x 16 x 16
        new ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias: false), new BatchNorm2d(ngf), new Relu(),
        // state size. (ngf) x 32 x 32
        new ConvTranspose2d(ngf, nc, 4, 2, 1, bias: false), new Tanh()
        // state size. (nc) x 64 x 64
    );

    public override Tensor Forward(Tensor input) => main.Call(input);
}

internal sealed class Discriminator : Module
{
    private readonly Sequential main;

    public Discriminator(int nc, int ndf) => main = new Sequential(
        // input is (nc) x 64 x 64
        new Conv2d(nc, ndf, 4, 2, 1, bias: false), new LeakyRelu(0.2),
        // state size. (ndf) x 32 x 32
        new Conv2d(ndf, ndf * 2, 4, 2, 1, bias: false), new BatchNorm2d(ndf * 2), new LeakyRelu(0.2),
        // state size. (ndf*2) x 16 x 16
        new Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias: false), new BatchNorm2d(ndf * 4), new LeakyRelu(0.2),
        // state size. (ndf*4) x 8 x 8
        new Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias: false), new BatchNorm2d(ndf * 8), new LeakyRelu(0.2),
        // state size. (ndf*8) x 4 x 4
        new Conv2d(ndf * 8, 1, 4, 1, 0, bias: false), new Sigmoid()
    );

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(main.Call(input).View(-1, 1).Squeeze(1));
    }
}
