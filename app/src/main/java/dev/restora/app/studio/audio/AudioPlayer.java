package dev.restora.app.studio.audio;

import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.LineUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A/B playback to an {@link AudioOutput}, by default Java Sound's mixer (the audio module never plays sound; the app
 * does). One feeder thread writes 16-bit mono blocks; {@link #switchTo} changes the source between blocks at the same
 * sample position, so input, output and the removed part can be compared seamlessly. Where the output has no line
 * (a machine without a mixer) {@link #available()} is false and {@link #play} does nothing.
 */
public final class AudioPlayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AudioPlayer.class);
    private static final int BLOCK = 1024;

    private volatile float[] source;
    private volatile int sampleRate;
    private volatile boolean playing;
    private final AtomicLong position = new AtomicLong();
    private final AudioOutput output;
    private Thread feeder;
    private AudioOutput.Line line;

    /** Plays through Java Sound. */
    public AudioPlayer() {
        this(AudioOutput.javaSound());
    }

    public AudioPlayer(AudioOutput output) {
        this.output = output;
    }

    /** Whether the output can play 16-bit mono here. */
    public boolean available() {
        return output.available();
    }

    public boolean isPlaying() {
        return playing;
    }

    /** The playback position in samples (of the current source's rate). */
    public long position() {
        return position.get();
    }

    public void seek(long sample) {
        position.set(Math.max(0, sample));
    }

    /** Plays {@code samples} from the current position; false when no line is available. */
    public synchronized boolean play(float[] samples, int rate) {
        stop();
        if (!available()) {
            LOG.info("no audio output line: playback skipped");
            return false;
        }
        try {
            line = output.open(rate, rate / 5 * 2);
        } catch (LineUnavailableException | RuntimeException e) {
            LOG.info("audio output unavailable: {}", e.toString());
            return false;
        }
        source = samples;
        sampleRate = rate;
        playing = true;
        AudioOutput.Line l = line;
        feeder = new Thread(() -> feed(l), "studio-audio");
        feeder.setDaemon(true);
        feeder.start();
        return true;
    }

    /** Continues with another signal of the same rate and length at the same position. */
    public void switchTo(float[] samples) {
        source = samples;
    }

    private void feed(AudioOutput.Line l) {
        byte[] buf = new byte[BLOCK * 2];
        while (playing) {
            float[] s = source;
            long p = position.get();
            if (p >= s.length) {
                break;
            }
            int n = (int) Math.min(BLOCK, s.length - p);
            for (int i = 0; i < n; i++) {
                float v = Math.max(-1f, Math.min(1f, s[(int) p + i]));
                int q = Math.round(v * 32767f);
                buf[2 * i] = (byte) q;
                buf[2 * i + 1] = (byte) (q >> 8);
            }
            l.write(buf, 0, 2 * n);
            if (!playing) {
                break; // stopped during the write: the block was discarded, resume from its start
            }
            position.compareAndSet(p, p + n);
        }
        if (playing) {
            l.drain();
        }
        playing = false;
        l.close();
    }

    public synchronized void stop() {
        playing = false;
        Thread t = feeder;
        if (t != null) {
            AudioOutput.Line l = line;
            if (l != null) {
                l.stop();
                l.close();
            }
            try {
                t.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            feeder = null;
            line = null;
        }
    }

    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public void close() {
        stop();
    }
}
