namespace NeuralCore.NN;

public static partial class Utils
{
    /// <summary>
    /// Splits <paramref name="module"/>'s parameter <paramref name="name"/> into a magnitude <c>name_g</c> and a
    /// direction <c>name_v</c>, w = g · v / ‖v‖, recomputed on every forward (torch.nn.utils.weight_norm). The norm is
    /// taken over every dimension but <paramref name="dim"/>, or over all of them when dim is null (or -1, as in
    /// PyTorch). State-dict keys become PyTorch's (<c>bias</c>, <c>weight_g</c>, <c>weight_v</c> for a Linear); build
    /// the optimizer afterwards, from the new parameters.
    /// </summary>
    /// <remarks>Linear, the convolutions, Embedding and Bilinear support it on <c>weight</c>; a custom module opts in
    /// with <c>SupportComputedParameter</c> and reads the weight through <c>ComputedParameter</c>.</remarks>
    /// <returns>The module.</returns>
    /// <exception cref="ArgumentException">The module does not read such a parameter through <c>ComputedParameter</c>.</exception>
    /// <exception cref="InvalidOperationException">The parameter is already computed by weight norm or spectral norm.</exception>
    public static T WeightNorm<T>(T module, string name = "weight", int? dim = 0) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.AddComputedParameter(name, new WeightNormRule(dim ?? -1), "weight_norm");
        return module;
    }

    /// <summary>Undoes <see cref="WeightNorm"/>: the parameter <paramref name="name"/> returns with the value g · v / ‖v‖ (torch.nn.utils.remove_weight_norm).</summary>
    /// <exception cref="ArgumentException">Weight norm is not applied to that parameter.</exception>
    public static T RemoveWeightNorm<T>(T module, string name = "weight") where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.RemoveComputedParameter(name, "weight_norm");
        return module;
    }

    /// <summary>
    /// Divides <paramref name="module"/>'s parameter <paramref name="name"/> by its spectral norm σ on every forward
    /// (torch.nn.utils.spectral_norm), as in GAN discriminators. σ is estimated by <paramref name="nPowerIterations"/>
    /// steps of power iteration per training-mode forward on the buffers <c>name_u</c> and <c>name_v</c>, drawn now
    /// from the global generator; evaluation mode reuses them. The parameter is kept as <c>name_orig</c>.
    /// </summary>
    /// <param name="dim">The dimension that becomes the matrix's rows; null: 1 for the transposed convolutions, 0 otherwise.</param>
    /// <returns>The module.</returns>
    public static T SpectralNorm<T>(T module, string name = "weight", int nPowerIterations = 1, double eps = 1e-12, int? dim = null) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (nPowerIterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(nPowerIterations), nPowerIterations, "expected nPowerIterations to be positive");
        var rows = dim ?? (module is ConvolutionModule { Transposed: true } ? 1 : 0);
        module.AddComputedParameter(name, new SpectralNormRule(nPowerIterations, eps, rows), "spectral_norm");
        return module;
    }

    /// <summary>Undoes <see cref="SpectralNorm"/>: the parameter returns with the value w_orig / σ from the current u and v (torch.nn.utils.remove_spectral_norm).</summary>
    /// <exception cref="ArgumentException">Spectral norm is not applied to that parameter.</exception>
    public static T RemoveSpectralNorm<T>(T module, string name = "weight") where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        module.RemoveComputedParameter(name, "spectral_norm");
        return module;
    }
}
