package dev.restora.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Streams raw storage bytes into a direct buffer of the loaded type through a bounded chunk (never the whole
 * storage on the Java heap), widening float16/bfloat16 to float32 and fixing the byte order.
 */
final class StorageDecoder {
    static final int CHUNK = 1 << 20; // multiple of every element size

    private StorageDecoder() {
    }

    /**
     * Reads exactly {@code storage.bytes()} bytes from {@code in}.
     *
     * @param order byte order of the stored data
     * @throws CheckpointException when the stream ends early
     */
    static ByteBuffer decode(InputStream in, StorageRef storage, ByteOrder order, String file) throws IOException {
        TensorDtype dtype = storage.dtype();
        long outBytes = Math.multiplyExact(storage.numel(), (long) dtype.loadedSize());
        if (outBytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file + ": storage '" + storage.key() + "' of " + storage.bytes()
                    + " bytes is larger than supported (2 GB per storage)");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) outBytes).order(ByteOrder.nativeOrder());
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(storage.bytes(), 1))];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(order);
        boolean same = order == ByteOrder.nativeOrder() || dtype.size() == 1;
        long left = storage.bytes();
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            int got = in.readNBytes(chunk, 0, n);
            if (got != n) {
                throw new CheckpointException(file + ": storage '" + storage.key() + "' ends after "
                        + (storage.bytes() - left + got) + " of " + storage.bytes() + " bytes (file truncated?)");
            }
            left -= n;
            if (dtype == TensorDtype.FLOAT16) {
                for (int i = 0; i < n; i += 2) {
                    out.putFloat(halfToFloat(view.getShort(i)));
                }
            } else if (dtype == TensorDtype.BFLOAT16) {
                for (int i = 0; i < n; i += 2) {
                    out.putFloat(Float.intBitsToFloat((view.getShort(i) & 0xffff) << 16));
                }
            } else if (same) {
                out.put(chunk, 0, n);
            } else {
                int size = dtype.size();
                for (int i = 0; i < n; i += size) {
                    for (int b = size - 1; b >= 0; b--) {
                        out.put(chunk[i + b]);
                    }
                }
            }
        }
        out.flip();
        return out;
    }

    /** IEEE 754 binary16 to binary32 (exact; subnormals, infinities and NaN kept). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        int bits;
        if (exp == 0) {
            if (mant == 0) {
                bits = sign;
            } else {
                int e = 127 - 15 + 1;
                while ((mant & 0x400) == 0) {
                    mant <<= 1;
                    e--;
                }
                bits = sign | (e << 23) | ((mant & 0x3ff) << 13);
            }
        } else if (exp == 0x1f) {
            bits = sign | 0x7f800000 | (mant << 13);
        } else {
            bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
        }
        return Float.intBitsToFloat(bits);
    }
}
