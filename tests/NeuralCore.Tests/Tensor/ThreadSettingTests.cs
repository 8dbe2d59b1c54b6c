namespace NeuralCore.Tests;

[Collection(Support.GlobalStateCollection.Name)]
public class ThreadSettingTests
{
    [Fact]
    public void SetNumThreads_IsWhatNumThreadsReads_AndLaterCallsDoNotResetIt()
    {
        var original = Torch.NumThreads;
        original.Should().Be(Environment.ProcessorCount, "NeuralCore starts libtorch with one intra-op thread per core");
        try
        {
            Torch.SetNumThreads(1);
            Torch.NumThreads.Should().Be(1);
            using var scope = TensorScope.Begin();
            _ = Tensor.Linspace(0, 1, 3).Erf().CumSum(0);  // functions not called before must not reset the setting
            Torch.NumThreads.Should().Be(1);
        }
        finally
        {
            Torch.SetNumThreads(original);
        }
    }
}
