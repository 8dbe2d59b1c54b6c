using System.Numerics;

namespace NeuralCore.Tests;

/// <summary>Complex tensors in and out of .NET: System.Numerics.Complex arrays, float pairs, items.</summary>
public class ComplexTests
{
    [Fact]
    public void ComplexArray_RoundTripsAsComplexFloat64()
    {
        var values = new Complex[] { new(1, -2), new(0.5, 3), new(-4, 0) };
        using var tensor = Tensor.FromArray(values);
        tensor.DType.Should().Be(DType.ComplexFloat64);
        tensor.DType.Name().Should().Be("complex128");
        tensor.ToArray<Complex>().Should().Equal(values);
        using var magnitude = tensor.Abs();
        magnitude.ToArray<double>().Should().Equal(Math.Sqrt(5), Math.Sqrt(9.25), 4);
    }

    [Fact]
    public void FloatPairs_ViewAsComplexAndBack_ShareTheValues()
    {
        using var pairs = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var complex = pairs.ViewAsComplex();
        complex.DType.Should().Be(DType.ComplexFloat32);
        complex.Shape.Should().Equal(2);
        complex.ToArray<Complex>().Should().Equal(new Complex(1, 2), new Complex(3, 4));
        using var conjugate = complex.Conj();
        using var back = conjugate.ViewAsReal();
        back.ToArray<float>().Should().Equal(1, -2, 3, -4);
    }

    [Fact]
    public void Item_OfAOneElementComplexTensor_IsAComplex()
    {
        using var tensor = Tensor.FromArray(new[] { new Complex(2.5, -1) });
        tensor.Item<Complex>().Should().Be(new Complex(2.5, -1));
        using var two = Tensor.FromArray(new[] { Complex.One, Complex.ImaginaryOne });
        var act = () => two.Item<Complex>();
        act.Should().Throw<TorchException>();
    }

    [Fact]
    public void ConjugateView_ReadsOutConjugated()
    {
        using var signal = Tensor.FromArray(new float[] { 1, 0, -1, 0 });
        using var spectrum = Fourier.Ifft(signal);
        using var roundTrip = Fourier.Fft(spectrum);
        roundTrip.ToArray<Complex>().Select(c => Math.Round(c.Real, 5)).Should().Equal(1, 0, -1, 0);
    }
}
