using System.Diagnostics;

namespace NeuralCore.Tests;

public class HandleLifetimeTests
{
    [Fact]
    public void Dispose_CalledTwice_DoesNotThrow()
    {
        var tensor = Tensor.Ones(2);
        tensor.Dispose();
        var again = () => tensor.Dispose();
        again.Should().NotThrow();
    }

    [Fact]
    public void View_OutlivesTheTensorItWasTakenFrom()
    {
        Tensor view;
        using (var source = Tensor.Arange(6, dtype: DType.Float32).View(2, 3))
            view = source[1];
        using (view)
            view.ToArray<float>().Should().Equal(3f, 4f, 5f);
    }

    [Fact]
    public void Alias_IsAnIndependentReferenceToTheSameTensor()
    {
        using var tensor = Tensor.Zeros(2);
        using var alias = tensor.Alias();
        alias.AddInPlace(5);
        tensor.ToArray<float>().Should().Equal(5f, 5f);
        tensor.Dispose();
        alias.ToArray<float>().Should().Equal(5f, 5f);
    }

    [Fact]
    public void ForgottenTensors_AreReleasedBecauseNativeBytesAreReportedToTheGc()
    {
        // 3,000 tensors of 1 MiB never disposed: without memory pressure the GC would not run and 3 GiB would pile up.
        static void Churn(int count)
        {
            for (var i = 0; i < count; i++) _ = Tensor.Zeros(256, 1024) + 1;
        }
        Churn(200);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Process.GetCurrentProcess().WorkingSet64;
        Churn(3000);
        var growth = Process.GetCurrentProcess().WorkingSet64 - before;
        growth.Should().BeLessThan(1L << 30, "forgotten tensors must be collected long before 3 GiB accumulate");
    }

    [Fact]
    public void RecycledReclaimers_NeverReleaseALiveTensor()
    {
        // Forgotten tensors' reclaimers are finalized and go back to the pool; live tensors then take them over,
        // and further collections must leave those tensors intact.
        static void Forget(int count)
        {
            for (var i = 0; i < count; i++) _ = Tensor.Full([4], i);
        }
        Forget(5000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = Enumerable.Range(0, 5000).Select(i => Tensor.Full([4], i)).ToArray();
        Forget(5000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        live.Select(t => t.ToArray<float>()[3]).Should().Equal(Enumerable.Range(0, 5000).Select(i => (float)i));
        foreach (var tensor in live) tensor.Dispose();
    }

    [Fact]
    public void ConcurrentUseAndDispose_NeverCrashes()
    {
        var tensors = Enumerable.Range(0, 64).Select(_ => Tensor.Ones(16)).ToArray();
        System.Threading.Tasks.Parallel.For(0, 256, i =>
        {
            var tensor = tensors[i % tensors.Length];
            try
            {
                using var result = tensor * 2;
                if (i % 3 == 0) tensor.Dispose();
            }
            catch (ObjectDisposedException)
            {
                // another iteration disposed it first: the documented outcome
            }
        });
        foreach (var tensor in tensors) tensor.Dispose();
    }
}
