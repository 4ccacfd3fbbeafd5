package dev.restora.app.studio.audio;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/**
 * Where {@link AudioPlayer} sends 16-bit little-endian mono PCM: the machine's Java Sound mixer, or another sink
 * (a machine without a mixer, a test that records what was played).
 */
public interface AudioOutput {

    /** An open line; {@link #write} blocks while the line's buffer is full, as a {@link SourceDataLine} does. */
    interface Line {
        void write(byte[] pcm, int offset, int length);

        /** Waits until what was written has been played. */
        void drain();

        /** Stops at once, discarding what is buffered. */
        void stop();

        void close();
    }

    /** Whether a line at 16 kHz can be opened here. */
    boolean available();

    /** Opens and starts a line at {@code sampleRate} holding about {@code bufferBytes}. */
    Line open(int sampleRate, int bufferBytes) throws LineUnavailableException;

    /** Java Sound's default mixer. */
    static AudioOutput javaSound() {
        return JavaSound.INSTANCE;
    }

    /** The {@link SourceDataLine} of Java Sound's default mixer. */
    enum JavaSound implements AudioOutput {
        INSTANCE;

        private static AudioFormat format(int rate) {
            return new AudioFormat(rate, 16, 1, true, false);
        }

        @Override
        public boolean available() {
            try {
                return AudioSystem.isLineSupported(new DataLine.Info(SourceDataLine.class, format(16000)));
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        @Override
        public Line open(int sampleRate, int bufferBytes) throws LineUnavailableException {
            AudioFormat f = format(sampleRate);
            SourceDataLine l = AudioSystem.getSourceDataLine(f);
            l.open(f, bufferBytes);
            l.start();
            return new Line() {
                @Override
                public void write(byte[] pcm, int offset, int length) {
                    l.write(pcm, offset, length);
                }

                @Override
                public void drain() {
                    l.drain();
                }

                @Override
                public void stop() {
                    l.stop();
                    l.flush();
                }

                @Override
                public void close() {
                    l.close();
                }
            };
        }
    }
}
