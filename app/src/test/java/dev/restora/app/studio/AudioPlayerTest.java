package dev.restora.app.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.audio.AudioOutput;
import dev.restora.app.studio.audio.AudioPlayer;
import javax.sound.sampled.LineUnavailableException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Playback into a recording output on every machine (what was played is checked sample by sample), and through Java
 * Sound where the machine has a mixer.
 */
class AudioPlayerTest {
    private static final int BLOCK = 1024;

    private static float[] sine(int n, double sign) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (sign * 0.8 * Math.sin(i * 0.1));
        }
        return a;
    }

    @Test
    void playsFromThePositionAndSwitchesSourcesAtTheSameSample() throws Exception {
        float[] a = sine(8000, 1);
        float[] b = sine(8000, -1);
        RecordingAudioOutput out = new RecordingAudioOutput();
        try (AudioPlayer p = new AudioPlayer(out)) {
            assertTrue(p.available());
            p.seek(4000);
            assertTrue(p.play(a, 16000));
            assertTrue(p.isPlaying());
            out.allow(2);
            // the third block has been read from a and waits for room: switch now, the fourth comes from b
            out.awaitWrites(3);
            p.switchTo(b);
            out.allow(Integer.MAX_VALUE / 2);
            out.awaitClosed();
            assertFalse(p.isPlaying(), "the end of the signal ends playback");
            assertEquals(8000, p.position());
        }
        short[] played = out.played();
        assertEquals(4000, played.length, "from sample 4000 to the end");
        for (int i = 0; i < played.length; i++) {
            int at = 4000 + i;
            float expected = i < 3 * BLOCK ? a[at] : b[at];
            assertEquals(RecordingAudioOutput.pcm(expected), played[i], "sample " + at);
        }
        assertEquals(java.util.List.of(16000), out.rates());
    }

    @Test
    void stopKeepsThePositionAndPlayResumesThere() throws Exception {
        float[] a = sine(6000, 1);
        RecordingAudioOutput out = new RecordingAudioOutput();
        try (AudioPlayer p = new AudioPlayer(out)) {
            assertTrue(p.play(a, 8000));
            out.allow(1);
            out.awaitWrites(2); // the second block waits for room
            p.stop();
            out.awaitClosed();
            assertFalse(p.isPlaying());
            assertEquals(BLOCK, p.position(), "stopped after the first block");
            assertEquals(BLOCK, out.played().length, "the waiting block was not played");
            assertTrue(p.play(a, 8000));
            out.allow(Integer.MAX_VALUE / 2);
            out.awaitClosed();
        }
        short[] played = out.played();
        assertEquals(6000, played.length, "the rest followed on from where it stopped, nothing twice");
        for (int i = 0; i < played.length; i++) {
            assertEquals(RecordingAudioOutput.pcm(a[i]), played[i], "sample " + i);
        }
    }

    @Test
    void withoutALineNothingPlaysAndThePositionIsKept() {
        AudioOutput none = new AudioOutput() {
            @Override
            public boolean available() {
                return false;
            }

            @Override
            public Line open(int sampleRate, int bufferBytes) throws LineUnavailableException {
                throw new LineUnavailableException("no line");
            }
        };
        try (AudioPlayer p = new AudioPlayer(none)) {
            p.seek(4000);
            assertFalse(p.play(sine(8000, 1), 16000), "no line: playback is declined");
            assertFalse(p.isPlaying());
            assertEquals(4000, p.position(), "the position is kept for a later play");
        }
    }

    /** The Java Sound adapter itself, where this machine has a mixer (none on headless CI: a visible skip). */
    @Test
    void playsThroughJavaSoundWhereAMixerExists() throws Exception {
        Assumptions.assumeTrue(AudioOutput.javaSound().available(), "no Java Sound mixer on this machine");
        try (AudioPlayer p = new AudioPlayer()) {
            assertTrue(p.play(sine(1600, 1), 16000));
            p.stop();
            assertFalse(p.isPlaying());
        }
    }
}
