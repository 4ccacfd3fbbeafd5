package dev.restora.app.studio;

import dev.restora.app.studio.audio.AudioOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An {@link AudioOutput} that records what is played, as 16-bit samples, instead of sounding it. Each block written
 * first takes a permit from {@link #allow}, as a real line waits while its buffer is full, so a test holds playback
 * at a known block; {@link AudioOutput.Line#stop()} lets a waiting write return, as a line's stop does.
 */
public final class RecordingAudioOutput implements AudioOutput {
    private final Semaphore room = new Semaphore(0);
    private final Semaphore attempts = new Semaphore(0);
    private final Semaphore closes = new Semaphore(0);
    private final List<short[]> blocks = new ArrayList<>();
    private final List<Integer> rates = new ArrayList<>();

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Line open(int sampleRate, int bufferBytes) {
        synchronized (this) {
            rates.add(sampleRate);
        }
        return new Line() {
            private volatile boolean stopped;
            private boolean closed;

            @Override
            public void write(byte[] pcm, int offset, int length) {
                attempts.release();
                room.acquireUninterruptibly();
                if (stopped) {
                    return;
                }
                short[] s = new short[length / 2];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (short) ((pcm[offset + 2 * i] & 0xff) | (pcm[offset + 2 * i + 1] << 8));
                }
                synchronized (RecordingAudioOutput.this) {
                    blocks.add(s);
                }
            }

            @Override
            public void drain() {
            }

            @Override
            public void stop() {
                stopped = true;
                room.release(1_000_000);
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    closes.release();
                }
            }
        };
    }

    /** Lets {@code n} more blocks through; {@code Integer.MAX_VALUE / 2} lets everything through. */
    public void allow(int n) {
        room.release(n);
    }

    /** Waits until {@code n} more writes were attempted (the last may be waiting for a permit). */
    public void awaitWrites(int n) throws InterruptedException {
        if (!attempts.tryAcquire(n, 30, TimeUnit.SECONDS)) {
            throw new AssertionError("the player did not write " + n + " blocks in 30 s");
        }
    }

    /** Waits until a line was closed (the player stopped, or reached the end). */
    public void awaitClosed() throws InterruptedException {
        if (!closes.tryAcquire(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the player did not close its line in 30 s");
        }
    }

    /** Every sample played so far, in order. */
    public synchronized short[] played() {
        int n = blocks.stream().mapToInt(b -> b.length).sum();
        short[] out = new short[n];
        int at = 0;
        for (short[] b : blocks) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }

    /** The sample rate of every line opened so far. */
    public synchronized List<Integer> rates() {
        return List.copyOf(rates);
    }

    /** The 16-bit sample the player writes for {@code v}. */
    public static short pcm(float v) {
        return (short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f);
    }
}
