package dev.restora.app.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.studio.audio.AudioPlayer;
import org.junit.jupiter.api.Test;

/** Playback through Java Sound: real where a mixer exists, skipped gracefully where none does (headless machines). */
class AudioPlayerTest {

    @Test
    void playsAndSwitchesSourcesAtTheSamePositionOrDeclinesWithoutAMixer() throws Exception {
        float[] a = new float[8000];
        float[] b = new float[8000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 0.1);
            b[i] = -a[i];
        }
        try (AudioPlayer p = new AudioPlayer()) {
            boolean available = AudioPlayer.available();
            System.out.println("audio output available: " + available);
            p.seek(4000);
            boolean started = p.play(a, 16000);
            if (!available) {
                assertFalse(started, "no mixer: playback is skipped");
                assertFalse(p.isPlaying());
                assertEquals(4000, p.position(), "the position is kept for a later play");
                return;
            }
            assertTrue(started);
            Thread.sleep(50);
            long before = p.position();
            p.switchTo(b);
            Thread.sleep(50);
            assertTrue(p.position() >= before, "switching keeps the position");
            p.stop();
            assertFalse(p.isPlaying());
        }
    }
}
