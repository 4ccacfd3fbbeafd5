package dev.restora.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.sourceforge.javaflacencoder.EncodingConfiguration;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACFileOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;
import org.jflac.ChannelData;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;

/**
 * FLAC through jFLAC (decoding) and javaFlacEncoder (encoding). The decoder's sample count and bad-frame count are
 * checked against the stream header, so truncated or damaged files are errors, not silently short clips.
 */
final class FlacCodec {
    private static final int BLOCK = 4096;

    private FlacCodec() {
    }

    static AudioClip read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            FLACDecoder dec = new FLACDecoder(in);
            StreamInfo info;
            try {
                dec.readMetadata();
                info = dec.getStreamInfo();
            } catch (IOException | RuntimeException e) {
                throw WavReader.error(file, "damaged or truncated FLAC header (" + e.getMessage() + ")");
            }
            if (info == null) {
                throw WavReader.error(file, "FLAC stream without STREAMINFO");
            }
            int nch = info.getChannels();
            int bits = info.getBitsPerSample();
            int rate = info.getSampleRate();
            long declared = info.getTotalSamples();
            if (nch < 1 || rate < 1 || bits < 4 || bits > 32) {
                throw WavReader.error(file, "implausible FLAC header: " + nch + " channels, " + rate + " Hz, "
                        + bits + " bits");
            }
            long fileSize = Files.size(file);
            // never trust the header for the allocation: grow as frames arrive
            int cap = (int) Math.min(Math.max(declared, 0), Math.min(fileSize * 8 / nch + BLOCK, Integer.MAX_VALUE - 8));
            cap = Math.max(cap, BLOCK);
            float[][] out = new float[nch][cap];
            int frames = 0;
            double scale = 1.0 / (1L << (bits - 1));
            Frame frame;
            try {
                while ((frame = dec.readNextFrame()) != null) {
                    int n = frame.header.blockSize;
                    if (frame.header.channels != nch) {
                        throw WavReader.error(file, "FLAC frame with " + frame.header.channels + " channels in a "
                                + nch + "-channel stream");
                    }
                    if ((long) frames + n > Integer.MAX_VALUE - 8) {
                        throw WavReader.error(file, "too long to load");
                    }
                    if (frames + n > out[0].length) {
                        int grown = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(frames + n, out[0].length * 2L));
                        for (int c = 0; c < nch; c++) {
                            out[c] = Arrays.copyOf(out[c], grown);
                        }
                    }
                    ChannelData[] data = dec.getChannelData();
                    for (int c = 0; c < nch; c++) {
                        int[] s = data[c].getOutput();
                        float[] o = out[c];
                        for (int i = 0; i < n; i++) {
                            o[frames + i] = (float) (s[i] * scale);
                        }
                    }
                    frames += n;
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof AudioFormatException afe) {
                    throw afe;
                }
                throw WavReader.error(file, "damaged or truncated FLAC data after " + frames + " frames ("
                        + e.getMessage() + ")");
            }
            if (dec.getBadFrames() > 0) {
                throw WavReader.error(file, dec.getBadFrames() + " damaged FLAC frame(s) (CRC or sync errors)");
            }
            if (declared > 0 && frames < declared) {
                throw WavReader.error(file, "truncated: the FLAC header declares " + declared + " frames but only "
                        + frames + " could be decoded");
            }
            if (frames == 0 && declared != 0) {
                throw WavReader.error(file, "no audio frames in the FLAC stream");
            }
            int len = declared > 0 ? (int) Math.min(declared, frames) : frames;
            for (int c = 0; c < nch; c++) {
                if (out[c].length != len) {
                    out[c] = Arrays.copyOf(out[c], len);
                }
            }
            return new AudioClip(out, rate, bits, false);
        }
    }

    /** The STREAMINFO of a FLAC file. */
    static AudioIO.Info probe(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 12)) {
            FLACDecoder dec = new FLACDecoder(in);
            StreamInfo info;
            try {
                info = dec.readStreamInfo();
            } catch (IOException | RuntimeException e) {
                throw WavReader.error(file, "damaged or truncated FLAC header (" + e.getMessage() + ")");
            }
            if (info == null || info.getChannels() < 1 || info.getSampleRate() < 1) {
                throw WavReader.error(file, "FLAC stream without a valid STREAMINFO");
            }
            long total = info.getTotalSamples();
            return new AudioIO.Info(AudioIO.Detected.FLAC, info.getSampleRate(), info.getChannels(),
                    total > 0 ? total : -1, SampleEncoding.of(info.getBitsPerSample(), false));
        }
    }

    /** Encodes {@code clip} as FLAC into {@code target} (a file that will be overwritten). */
    static void write(AudioClip clip, SampleEncoding enc, Path file, Path target) throws IOException {
        int nch = clip.channelCount();
        int bits = enc.bits();
        if (nch > 8) {
            throw new AudioFormatException(file + ": FLAC holds at most 8 channels, this clip has " + nch
                    + "; write WAV instead");
        }
        if (clip.sampleRate() > 655350) {
            throw new AudioFormatException(file + ": FLAC cannot store a " + clip.sampleRate() + " Hz sample rate");
        }
        WavWriter.checkFinite(clip, file);
        StreamConfiguration sc = new StreamConfiguration(nch, StreamConfiguration.MIN_BLOCK_SIZE, BLOCK,
                clip.sampleRate(), bits);
        if (!sc.isValid()) {
            throw new AudioFormatException(file + ": the FLAC encoder rejects " + nch + " channels at "
                    + clip.sampleRate() + " Hz and " + bits + " bits");
        }
        FLACEncoder encoder = new FLACEncoder();
        encoder.setStreamConfiguration(sc);
        encoder.setEncodingConfiguration(new EncodingConfiguration());
        encoder.setThreadCount(1);
        try (FLACFileOutputStream fout = new FLACFileOutputStream(target.toFile())) {
            encoder.setOutputStream(fout);
            encoder.openFLACStream();
            int frames = clip.frames();
            float[][] x = clip.channels();
            int[] block = new int[BLOCK * nch];
            for (int start = 0; start < frames; start += BLOCK) {
                int n = Math.min(BLOCK, frames - start);
                int k = 0;
                for (int i = start; i < start + n; i++) {
                    for (int c = 0; c < nch; c++) {
                        block[k++] = (int) WavWriter.quantise(x[c][i], bits);
                    }
                }
                encoder.addSamples(block, n);
                encoder.encodeSamples(encoder.fullBlockSamplesAvailableToEncode(), false);
            }
            encoder.encodeSamples(encoder.samplesAvailableToEncode(), true);
        }
    }
}
