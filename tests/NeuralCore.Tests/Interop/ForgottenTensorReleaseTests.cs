using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Tests.Support;

namespace NeuralCore.Tests;

/// <summary>
/// When the native memory of tensors that were never disposed is freed: small ones on the next thread that creates a
/// tensor, or by the finalizer thread at the next collection when no thread does. Alone in their collection, so that
/// no other test's tensors drain the queue for them.
/// </summary>
[Collection(GlobalStateCollection.Name)]
public class ForgottenTensorReleaseTests
{
    [Fact]
    public void ASmallForgottenTensor_IsFreedByTheNextTensorCreated()
    {
        var memory = new UnpinCountingMemory(16);
        ForgetOnAnotherThread(memory);
        Collect();
        using (Tensor.Zeros(1))
            memory.Unpins.Should().Be(1);
    }

    [Fact]
    public void ASmallForgottenTensor_IsFreed_WhenNoThreadCreatesTensorsAnyMore()
    {
        var memory = new UnpinCountingMemory(16);
        ForgetOnAnotherThread(memory);
        for (var i = 0; i < 4 && memory.Unpins == 0; i++) Collect();
        memory.Unpins.Should().Be(1, "the finalizer thread frees what no thread drained between two full collections");
    }

    [Fact]
    public void ALargeForgottenTensor_IsFreedAtTheFirstCollection()
    {
        var memory = new UnpinCountingMemory(1 << 20);
        ForgetOnAnotherThread(memory);
        Collect();
        memory.Unpins.Should().Be(1);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ForgetOnAnotherThread(UnpinCountingMemory memory)
    {
        var thread = new Thread(() => _ = Tensor.FromMemory(memory.Memory, memory.Length));
        thread.Start();
        thread.Join();
        memory.Unpins.Should().Be(0);
    }

    /// <summary>Managed memory that counts how often the tensor over it let go of it.</summary>
    private sealed unsafe class UnpinCountingMemory(int length) : MemoryManager<float>
    {
        private readonly float[] data = new float[length];
        private GCHandle handle;
        private int unpins;

        public int Length => data.Length;

        public int Unpins => Volatile.Read(ref unpins);

        public override Span<float> GetSpan() => data;

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            handle = GCHandle.Alloc(data, GCHandleType.Pinned);
            return new MemoryHandle((float*)handle.AddrOfPinnedObject() + elementIndex, default, this);
        }

        public override void Unpin()
        {
            handle.Free();
            Interlocked.Increment(ref unpins);
        }

        protected override void Dispose(bool disposing) { }
    }
}
