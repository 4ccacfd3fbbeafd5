package dev.restora.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, for checkpoints no honest torch.save would produce. */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static PickleWriter protocol(int version) {
        PickleWriter w = new PickleWriter();
        w.op(0x80).raw(version);
        return w;
    }

    PickleWriter op(int code) {
        out.write(code);
        return this;
    }

    PickleWriter raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleWriter le32(long v) {
        return raw((int) v & 0xff, (int) (v >>> 8) & 0xff, (int) (v >>> 16) & 0xff, (int) (v >>> 24) & 0xff);
    }

    PickleWriter global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').le32(b.length);
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').le32(v);
        }
        op(0x8a).raw(8);
        for (int i = 0; i < 8; i++) {
            raw((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter emptyTuple() {
        return op(')');
    }

    PickleWriter emptyDict() {
        return op('}');
    }

    PickleWriter emptyList() {
        return op(']');
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter setitems() {
        return op('u');
    }

    PickleWriter stop() {
        return op('.');
    }

    /** A float32 storage reference {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}. */
    PickleWriter storage(String key, long numel) {
        mark().str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer(numel).tuple();
        return op('Q'); // BINPERSID
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
    PickleWriter tensor(String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storage(key, numel).integer(offset);
        mark();
        for (long s : size) {
            integer(s);
        }
        tuple().mark();
        for (long s : stride) {
            integer(s);
        }
        tuple().op(0x89).global("collections", "OrderedDict").emptyTuple().reduce();
        return tuple().reduce();
    }

    /** Starts {@code {'w': <float tensor of 4 elements in storage '0'>, ...}}: call {@link #endDict()} after more pairs. */
    PickleWriter dictWithTensor() {
        return emptyDict().mark().str("w").tensor("0", 4, 0, new long[] {4}, new long[] {1});
    }

    PickleWriter endDict() {
        return setitems().stop();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
