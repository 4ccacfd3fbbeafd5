package dev.restora.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StftTest {

    @Test
    void analysisSynthesisIsPerfectReconstruction() {
        Random r = new Random(3);
        for (int[] cfg : new int[][] {{512, 128}, {512, 256}, {1536, 384}, {1408, 352}, {64, 7}}) {
            Stft stft = new Stft(cfg[0], cfg[1]);
            float[] x = new float[10007];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] y = stft.synthesize(stft.analyze(x), x.length);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
            assertTrue(worst < 1e-4, cfg[0] + "/" + cfg[1] + ": " + worst);
        }
    }

    @Test
    void fullScaleSineIsZeroDbAtItsBin() {
        Stft stft = Stft.forSpeech(16000);
        assertEquals(512, stft.fftSize());
        assertEquals(128, stft.hop());
        assertEquals(1536, Stft.forSpeech(48000).fftSize());
        float[] x = new float[16000];
        int bin = 40;   // 1250 Hz
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * bin * i / 512.0);
        }
        float[][] db = stft.magnitudeDb(x, -120);
        assertEquals(stft.frames(x.length), db.length);
        assertEquals(0, db[60][bin], 0.01);
        assertTrue(db[60][bin + 5] < -100, "Hann sidelobes: " + db[60][bin + 5]);
        Stft.Display d = Stft.forDisplay(db, 50, 100);
        // max-pooling by whole factors: 257 bins by ceil(257/100) = 3, frames by ceil(frames/50)
        assertEquals(86, d.bins());
        int poolT = (db.length + 49) / 50;
        assertEquals((db.length + poolT - 1) / poolT, d.frames());
        assertTrue(d.frames() <= 50 && d.bins() <= 100);
        assertEquals(d.bins() * d.frames(), d.db().length);
        // bin 40 pools into row 40 / ceil(257/100) = 13: the row holding the sine is the loudest
        int row = bin / 3;
        assertEquals(0, d.db()[row * d.frames() + d.frames() / 2], 0.01);
    }
}
