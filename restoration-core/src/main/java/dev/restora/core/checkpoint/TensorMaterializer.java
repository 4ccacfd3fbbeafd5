package dev.restora.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.restora.core.engine.CpuFloat64;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns tensor descriptors into NDArrays, reading each storage once. A contiguous view is a zero-copy slice of
 * its storage's direct buffer, so tensors sharing a storage share memory (as in PyTorch) and a tensor that is
 * its whole storage costs exactly its size; a strided view (e.g. a transposed tensor) is gathered into its own
 * buffer. Treat the arrays as read-only.
 */
final class TensorMaterializer {
    private TensorMaterializer() {
    }

    static Map<TensorRef, NDArray> materialize(Collection<TensorRef> refs, StorageSource source, NDManager manager) {
        Map<StorageRef, List<TensorRef>> byStorage = new LinkedHashMap<>();
        for (TensorRef r : refs) {
            List<TensorRef> group = byStorage.computeIfAbsent(r.storage(), s -> new ArrayList<>());
            if (!group.contains(r)) {
                group.add(r);
            }
        }
        Map<TensorRef, NDArray> out = new IdentityHashMap<>();
        for (Map.Entry<StorageRef, List<TensorRef>> g : byStorage.entrySet()) {
            ByteBuffer storage = source.read(g.getKey());
            for (TensorRef r : g.getValue()) {
                out.put(r, create(storage, r, manager));
            }
        }
        return out;
    }

    private static NDArray create(ByteBuffer storage, TensorRef r, NDManager manager) {
        TensorDtype dtype = r.dtype();
        int es = dtype.loadedSize();
        long numel = r.numel();
        ByteBuffer data;
        if (r.contiguous() || numel == 0) {
            int from = Math.toIntExact(numel == 0 ? 0 : r.offset() * es);
            data = storage.duplicate().position(from).limit(from + Math.toIntExact(numel * es)).slice();
        } else {
            data = gather(storage, r, es);
        }
        data.order(ByteOrder.nativeOrder());
        if (dtype == TensorDtype.FLOAT64 && !manager.getDevice().equals(Device.cpu())) {
            return float32OnDevice(data, new Shape(r.shape()), manager);
        }
        return manager.create(data, new Shape(r.shape()), dtype.loaded());
    }

    /**
     * A float64 tensor bound for a GPU: read on the CPU and narrowed to float32 there, then moved (Apple's MPS has no
     * float64; the networks compute in float32). On the CPU a float64 tensor stays float64.
     */
    @CpuFloat64("a float64 checkpoint tensor is read on the CPU and reaches the device as float32")
    private static NDArray float32OnDevice(ByteBuffer data, Shape shape, NDManager manager) {
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            NDArray wide = cpu.create(data, shape, DataType.FLOAT64);
            NDArray onDevice = wide.toType(DataType.FLOAT32, false).toDevice(manager.getDevice(), false);
            onDevice.attach(manager);
            return onDevice;
        }
    }

    /** Copies a strided view element by element (row-major order) into a new direct buffer. */
    private static ByteBuffer gather(ByteBuffer storage, TensorRef r, int es) {
        long[] shape = r.shape();
        long[] stride = r.stride();
        int n = Math.toIntExact(r.numel());
        ByteBuffer out = ByteBuffer.allocateDirect(n * es).order(ByteOrder.nativeOrder());
        ByteBuffer src = storage.duplicate();
        byte[] element = new byte[es];
        long[] index = new long[shape.length];
        long pos = r.offset();
        for (int i = 0; i < n; i++) {
            src.position(Math.toIntExact(pos * es));
            src.get(element);
            out.put(element);
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d]++;
                pos += stride[d];
                if (index[d] < shape[d]) {
                    break;
                }
                pos -= stride[d] * index[d];
                index[d] = 0;
            }
        }
        out.flip();
        return out;
    }
}
