package dev.restora.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import dev.restora.core.RestoraException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The out-of-memory classifier on PyTorch's own texts, and the halving retry. */
class OutOfMemoryTest {
    /** As libtorch 2.x words a CUDA allocation failure (first line; the real text goes on for several lines). */
    static final String CUDA = "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity; "
            + "5.12 GiB already allocated; 1.02 GiB free; 5.50 GiB reserved in total by PyTorch)\nIf reserved memory "
            + "is >> allocated memory try setting max_split_size_mb";

    @Test
    void deviceTextsAreGpuOutOfMemory() {
        for (String m : List.of(CUDA, "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported",
                "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
                "MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.2 GB, max allowed: 18.13 GB)")) {
            EngineException e = new EngineException(m);
            assertTrue(OutOfMemory.onDevice(e), m);
            assertTrue(OutOfMemory.any(e), m);
        }
        assertEquals("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity; 5.12 GiB "
                + "already allocated; 1.02 GiB free; 5.50 GiB reserved in total by PyTorch)",
                OutOfMemory.summary(new RestoraException("wrapped", new EngineException(CUDA))));
    }

    @Test
    void hostOutOfMemoryIsNotTheDevices() {
        for (Throwable t : List.of(new EngineException("[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: "
                + "not enough memory: you tried to allocate 1099511627776 bytes."), new OutOfMemoryError("Java heap space"))) {
            assertTrue(OutOfMemory.any(t), t.toString());
            assertFalse(OutOfMemory.onDevice(t), t.toString());
        }
        assertFalse(OutOfMemory.any(new EngineException("Expected all tensors to be on the same device")));
        assertFalse(OutOfMemory.any(new IllegalStateException("CUDA out of memory")), "only the engine's text counts");
    }

    @Test
    void foundThroughWrappers() {
        Throwable wrapped = new RuntimeException("pipeline failed", new RestoraException("tile 3",
                new EngineException(CUDA)));
        assertTrue(OutOfMemory.onDevice(wrapped));
    }

    @Test
    void halvesUntilItFitsThenGivesUpWithTheCauseKept() {
        List<Integer> tried = new ArrayList<>();
        List<Integer> told = new ArrayList<>();
        int r = OutOfMemory.halving(512, 64, s -> {
            tried.add(s);
            if (s > 128) {
                throw new EngineException(CUDA);
            }
            return s;
        }, told::add, s -> "never");
        assertEquals(128, r);
        assertEquals(List.of(512, 256, 128), tried);
        assertEquals(List.of(256, 128), told);

        EngineException oom = new EngineException(CUDA);
        RestoraException e = assertThrows(RestoraException.class, () -> OutOfMemory.halving(128, 64, s -> {
            throw oom;
        }, null, s -> "out of memory even with " + s));
        assertEquals("out of memory even with 64", e.getMessage());
        assertSame(oom, e.getCause());
        assertTrue(OutOfMemory.onDevice(e), "a GPU run can still fall back to the CPU");

        IllegalArgumentException other = new IllegalArgumentException("bad");
        List<Integer> once = new ArrayList<>();
        assertSame(other, assertThrows(IllegalArgumentException.class, () -> OutOfMemory.halving(512, 64, s -> {
            once.add(s);
            throw other;
        }, null, s -> "")));
        assertEquals(List.of(512), once, "other failures are not retried");
    }
}
