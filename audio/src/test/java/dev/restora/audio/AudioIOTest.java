package dev.restora.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioIOTest {
    @TempDir
    Path dir;

    static AudioClip noise(int channels, int frames, int rate, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[channels][frames];
        for (float[] c : x) {
            for (int i = 0; i < frames; i++) {
                c[i] = (float) (0.9 * Math.sin(i * 0.01 * (1 + seed % 7)) * r.nextDouble());
            }
        }
        x[0][0] = 1f;       // full scale: clipped to the largest code
        x[0][1] = -1f;
        return new AudioClip(x, rate);
    }

    @Test
    void wavRoundTripsEveryEncodingAndLayout() throws IOException {
        for (SampleEncoding enc : SampleEncoding.values()) {
            for (int channels : new int[] {1, 2, 6}) {
                for (int rate : new int[] {8000, 44100, 96000}) {
                    AudioClip clip = noise(channels, 1001, rate, channels * 31L + rate);
                    Path f = dir.resolve(enc + "_" + channels + "_" + rate + ".wav");
                    AudioIO.write(clip, f, AudioFileSpec.wav(enc));
                    AudioClip back = AudioIO.read(f);
                    assertEquals(rate, back.sampleRate());
                    assertEquals(channels, back.channelCount());
                    assertEquals(1001, back.frames());
                    assertEquals(enc, back.sourceEncoding(), f.toString());
                    double tol = enc.isFloat() ? 0 : 0.5 / (1L << (enc.bits() - 1)) + 1e-7;
                    for (int c = 0; c < channels; c++) {
                        for (int i = 2; i < 1001; i++) {
                            assertEquals(clip.channels()[c][i], back.channels()[c][i], tol, enc + " c" + c + " i" + i);
                        }
                    }
                    // read then write at the source depth: the same bytes
                    Path again = dir.resolve("again_" + f.getFileName());
                    AudioIO.write(back, again, AudioFileSpec.wav());
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(again), f.toString());
                    // 16-bit full scale: +1 clips to 32767, -1 is -32768
                    if (enc == SampleEncoding.PCM_16) {
                        assertEquals(32767 / 32768f, back.channels()[0][0]);
                        assertEquals(-1f, back.channels()[0][1]);
                    }
                }
            }
        }
    }

    @Test
    void headerLayoutIsStandard() throws IOException {
        Path mono = dir.resolve("m.wav");
        AudioIO.write(noise(1, 10, 16000, 1), mono, AudioFileSpec.wav(SampleEncoding.PCM_16));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(mono)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(44 + 20, b.capacity());
        assertEquals(b.capacity() - 8, b.getInt(4));
        assertEquals(16, b.getInt(16));
        assertEquals(1, b.getShort(20));
        assertEquals(16000, b.getInt(24));
        assertEquals(32000, b.getInt(28));
        Path six = dir.resolve("six.wav");
        AudioIO.write(noise(6, 11, 48000, 2), six, AudioFileSpec.wav(SampleEncoding.PCM_24));
        b = ByteBuffer.wrap(Files.readAllBytes(six)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(40, b.getInt(16));
        assertEquals((short) 0xFFFE, b.getShort(20));
        assertEquals(0x3F, b.getInt(40));
        // 11 frames * 18 bytes = 198 data bytes: even, no pad; odd sizes are padded
        Path odd = dir.resolve("odd.wav");
        AudioIO.write(noise(1, 3, 8000, 3), odd, AudioFileSpec.wav(SampleEncoding.PCM_U8));
        assertEquals(44 + 3 + 1, Files.size(odd));
        assertEquals(3, AudioIO.read(odd).frames());
    }

    /** Builds a WAV by hand: chunks in any order, odd sizes, unknown chunks. */
    static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.size());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(h.array());
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }

    static byte[] chunk(String id, byte[] data, boolean pad) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length + (pad ? data.length & 1 : 0)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return b.array();
    }

    static byte[] fmt(int tag, int channels, int rate, int blockAlign, int bits) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits);
        return b.array();
    }

    static byte[] extensibleFmt(int subTag, int channels, int rate, int container, int validBits) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * channels * container)
                .putShort((short) (channels * container)).putShort((short) (container * 8));
        b.putShort((short) 22).putShort((short) validBits).putInt(0).putInt(subTag);
        b.put(new byte[] {0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        return b.array();
    }

    static byte[] shorts(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : v) {
            b.putShort((short) s);
        }
        return b.array();
    }

    @Test
    void skipsExtraChunksInAnyOrderWithPadding() throws IOException {
        byte[] wav = riff(chunk("LIST", "odd".getBytes(StandardCharsets.US_ASCII), true),
                chunk("fmt ", fmt(1, 2, 22050, 4, 16), true),
                chunk("junk", new byte[7], true),
                chunk("data", shorts(16384, -16384, 8192, -8192, 0, 32767), true),
                chunk("id3 ", new byte[5], true));
        Path f = dir.resolve("chunks.wav");
        Files.write(f, wav);
        AudioClip c = AudioIO.read(f);
        assertEquals(2, c.channelCount());
        assertEquals(22050, c.sampleRate());
        assertArrayEquals(new float[] {0.5f, 0.25f, 0f}, c.channels()[0]);
        assertArrayEquals(new float[] {-0.5f, -0.25f, 32767 / 32768f}, c.channels()[1]);
    }

    @Test
    void readsExtensible24In32ContainerAndG711() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        d.putInt(0x40000000).putInt(0xC0000000);   // 24 valid bits left-justified in 32-bit containers
        Path f = dir.resolve("ext.wav");
        Files.write(f, riff(chunk("fmt ", extensibleFmt(1, 1, 48000, 4, 24), true), chunk("data", d.array(), true)));
        AudioClip c = AudioIO.read(f);
        assertArrayEquals(new float[] {0.5f, -0.5f}, c.channels()[0]);
        assertEquals(24, c.sourceBits());
        assertEquals(SampleEncoding.PCM_24, c.sourceEncoding());

        // G.711: mu-law 0xFF is 0, 0x80 is +32124, 0x00 is -32124; A-law 0xD5 is +8, 0x55 is -8
        Path mu = dir.resolve("mu.wav");
        Files.write(mu, riff(chunk("fmt ", fmt(7, 1, 8000, 1, 8), true),
                chunk("data", new byte[] {(byte) 0xFF, (byte) 0x80, 0x00}, true)));
        assertArrayEquals(new float[] {0f, 32124 / 32768f, -32124 / 32768f}, AudioIO.read(mu).channels()[0]);
        Path al = dir.resolve("alaw.wav");
        Files.write(al, riff(chunk("fmt ", fmt(6, 1, 8000, 1, 8), true),
                chunk("data", new byte[] {(byte) 0xD5, 0x55, (byte) 0xAA}, true)));
        assertArrayEquals(new float[] {8 / 32768f, -8 / 32768f, 32256 / 32768f}, AudioIO.read(al).channels()[0]);
    }

    @Test
    void flacRoundTripAndContentDetection() throws IOException {
        for (SampleEncoding enc : new SampleEncoding[] {SampleEncoding.PCM_U8, SampleEncoding.PCM_16, SampleEncoding.PCM_24}) {
            AudioClip clip = noise(2, 20000, 44100, 5);
            Path f = dir.resolve("x" + enc.bits() + ".flac");
            AudioIO.write(clip, f, AudioFileSpec.flac(enc));
            assertEquals(AudioIO.Detected.FLAC, AudioIO.detect(f));
            AudioClip back = AudioIO.read(f);
            assertEquals(20000, back.frames());
            assertEquals(enc.bits(), back.sourceBits());
            double tol = 0.5 / (1L << (enc.bits() - 1)) + 1e-7;
            for (int c = 0; c < 2; c++) {
                for (int i = 2; i < 20000; i++) {
                    assertEquals(clip.channels()[c][i], back.channels()[c][i], tol);
                }
            }
            // lossless: FLAC and WAV at the same depth decode to the same samples
            Path w = dir.resolve("x" + enc.bits() + ".wav");
            AudioIO.write(back, w);
            AudioClip viaWav = AudioIO.read(w);
            assertArrayEquals(back.channels()[1], viaWav.channels()[1]);
            // a FLAC named .wav still reads
            Path misnamed = dir.resolve("really-flac" + enc.bits() + ".wav");
            Files.copy(f, misnamed);
            assertArrayEquals(back.channels()[0], AudioIO.read(misnamed).channels()[0]);
        }
        // float source goes to 24-bit FLAC by default; extension picks the format
        AudioClip floaty = new AudioClip(noise(1, 5000, 16000, 9).channels(), 16000, 32, true);
        Path f = dir.resolve("float.flac");
        AudioIO.write(floaty, f);
        assertEquals(24, AudioIO.read(f).sourceBits());
        Path w = dir.resolve("float.wav");
        AudioIO.write(floaty, w);
        assertEquals(SampleEncoding.FLOAT_32, AudioIO.read(w).sourceEncoding());
    }

    @Test
    void flacBehindAnId3TagReads() throws IOException {
        Path f = dir.resolve("plain.flac");
        AudioClip clip = noise(2, 3000, 22050, 3);
        AudioIO.write(clip, f, AudioFileSpec.flac(SampleEncoding.PCM_16));
        byte[] frame = "TIT2\u0000\u0000\u0000\u0006\u0000\u0000\u0000hello".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {'I', 'D', '3', 3, 0, 0, 0, 0, 0, (byte) frame.length});
        b.writeBytes(frame);
        b.writeBytes(Files.readAllBytes(f));
        Path tagged = Files.write(dir.resolve("tagged.flac"), b.toByteArray());
        assertEquals(AudioIO.Detected.FLAC, AudioIO.detect(tagged));
        assertArrayEquals(AudioIO.read(f).channels()[1], AudioIO.read(tagged).channels()[1]);
        assertEquals(new AudioIO.Info(AudioIO.Detected.FLAC, 22050, 2, 3000, SampleEncoding.PCM_16), AudioIO.probe(tagged));
        // an ID3 tag before anything else is still reported as MP3-like
        Path mp3 = Files.write(dir.resolve("song.wav"), new byte[] {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFB});
        assertTrue(failure(mp3).contains("MP3 or AAC"), failure(mp3));
    }

    @Test
    void truncatedFlacIsAnError() throws IOException {
        Path f = dir.resolve("t.flac");
        AudioIO.write(noise(1, 40000, 16000, 4), f, AudioFileSpec.flac(SampleEncoding.PCM_16));
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.flac");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioIO.read(cut));
        assertTrue(e.getMessage().contains("cut.flac") && e.getMessage().contains("truncated"), e.getMessage());
        Path head = dir.resolve("head.flac");
        Files.write(head, Arrays.copyOf(all, 20));
        e = assertThrows(AudioFormatException.class, () -> AudioIO.read(head));
        assertTrue(e.getMessage().contains("head.flac"), e.getMessage());
    }

    static String failure(Path f) {
        return assertThrows(AudioFormatException.class, () -> AudioIO.read(f)).getMessage();
    }

    @Test
    void badInputsGiveClearErrors() throws IOException {
        Path good = dir.resolve("good.wav");
        AudioIO.write(noise(2, 10000, 16000, 8), good, AudioFileSpec.wav(SampleEncoding.PCM_16));
        byte[] bytes = Files.readAllBytes(good);

        Path empty = Files.write(dir.resolve("empty.wav"), new byte[0]);
        assertTrue(failure(empty).matches(".*empty\\.wav.*empty \\(0 bytes\\).*"), failure(empty));

        Path trunc = Files.write(dir.resolve("trunc.wav"), Arrays.copyOf(bytes, bytes.length / 3));
        assertTrue(failure(trunc).contains("trunc.wav: truncated: the header declares 40000 bytes"), failure(trunc));

        Path headerOnly = Files.write(dir.resolve("hdr.wav"), Arrays.copyOf(bytes, 30));
        assertTrue(failure(headerOnly).contains("hdr.wav: truncated"), failure(headerOnly));

        Path tiny = Files.write(dir.resolve("tiny.wav"), Arrays.copyOf(bytes, 6));
        assertTrue(failure(tiny).contains("too short for a WAV header"), failure(tiny));

        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0x7FFFFFF0);
        Path hugeF = Files.write(dir.resolve("huge.wav"), huge);
        assertTrue(failure(hugeF).contains("declares 2147483632 bytes"), failure(hugeF));

        byte[] hugeFmt = bytes.clone();
        ByteBuffer.wrap(hugeFmt).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
        Path hugeFmtF = Files.write(dir.resolve("hugefmt.wav"), hugeFmt);
        assertTrue(failure(hugeFmtF).contains("'fmt ' chunk declares"), failure(hugeFmtF));

        Path png = Files.write(dir.resolve("image.wav"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertTrue(failure(png).contains("image.wav: not a WAV or FLAC file: it is a PNG image"), failure(png));

        Path text = Files.writeString(dir.resolve("notes.wav"), "hello, this is not audio\n");
        assertTrue(failure(text).contains("text file"), failure(text));

        Path adpcm = dir.resolve("adpcm.wav");
        Files.write(adpcm, riff(chunk("fmt ", fmt(0x11, 1, 8000, 256, 4), true), chunk("data", new byte[512], true)));
        assertTrue(failure(adpcm).contains("unsupported WAV sample encoding: IMA ADPCM (format tag 0x0011)"),
                failure(adpcm));

        Path avi = Files.write(dir.resolve("avi.wav"), "RIFF\u0004\u0000\u0000\u0000AVI ".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(failure(avi).contains("type 'AVI ', not WAVE"), failure(avi));

        Path zeroCh = dir.resolve("zeroch.wav");
        Files.write(zeroCh, riff(chunk("fmt ", fmt(1, 0, 8000, 2, 16), true), chunk("data", new byte[4], true)));
        assertTrue(failure(zeroCh).contains("0 channels"), failure(zeroCh));

        Path folder = Files.createDirectory(dir.resolve("folder.wav"));
        assertTrue(failure(folder).startsWith(folder + ": "), failure(folder));

        Path missing = dir.resolve("nope.wav");
        assertTrue(failure(missing).contains("nope.wav: file not found"), failure(missing));
    }

    @Test
    void nanAndInfinityInFloatWavAreRejected() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        d.putFloat(0.5f).putFloat(0.25f).putFloat(Float.NaN).putFloat(Float.POSITIVE_INFINITY);
        Path f = dir.resolve("nan.wav");
        Files.write(f, riff(chunk("fmt ", fmt(3, 2, 8000, 8, 32), true), chunk("data", d.array(), true)));
        String m = failure(f);
        assertTrue(m.contains("nan.wav: contains 2 NaN or infinite float samples (first at 0.000125 s, frame 1, channel 1)"), m);
        // over-range floats are kept as they are
        ByteBuffer loud = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.75);
        Path g = dir.resolve("loud.wav");
        Files.write(g, riff(chunk("fmt ", fmt(3, 1, 8000, 8, 64), true), chunk("data", loud.array(), true)));
        assertEquals(1.75f, AudioIO.read(g).channels()[0][0]);
    }

    @Test
    void probeReadsHeadersOnly() throws IOException {
        Path w = dir.resolve("p.wav");
        AudioIO.write(noise(6, 4800, 48000, 1), w, AudioFileSpec.wav(SampleEncoding.PCM_24));
        AudioIO.Info i = AudioIO.probe(w);
        assertEquals(new AudioIO.Info(AudioIO.Detected.WAV, 48000, 6, 4800, SampleEncoding.PCM_24), i);
        assertEquals(0.1, i.seconds(), 1e-12);
        Path f = dir.resolve("p.flac");
        AudioIO.write(noise(2, 1234, 44100, 2), f, AudioFileSpec.flac(SampleEncoding.PCM_16));
        assertEquals(new AudioIO.Info(AudioIO.Detected.FLAC, 44100, 2, 1234, SampleEncoding.PCM_16), AudioIO.probe(f));
        byte[] b = Files.readAllBytes(w);
        Path cut = Files.write(dir.resolve("cut.wav"), Arrays.copyOf(b, 1000));
        assertThrows(AudioFormatException.class, () -> AudioIO.probe(cut));
    }

    @Test
    void rf64AndUnpaddedOddChunksRead() throws IOException {
        // RF64 (EBU Tech 3306): sizes 0xFFFFFFFF, the real ones in ds64
        byte[] data = shorts(1000, -1000, 2000);
        ByteBuffer ds64 = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        ds64.putLong(0).putLong(data.length).putLong(3).putInt(0);
        byte[] body = riff(chunk("ds64", ds64.array(), true), chunk("fmt ", fmt(1, 1, 8000, 2, 16), true),
                chunk("data", data, true));
        ByteBuffer bb = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(0, "RF64".getBytes(StandardCharsets.US_ASCII)).putInt(4, -1);
        // the data chunk's own size field is 0xFFFFFFFF too
        int dataAt = body.length - data.length - 4;
        bb.putInt(dataAt, -1);
        Path rf = Files.write(dir.resolve("rf64.wav"), body);
        assertArrayEquals(new float[] {1000 / 32768f, -1000 / 32768f, 2000 / 32768f}, AudioIO.read(rf).channels()[0]);
        // an odd-sized chunk written without its pad byte, and a RIFF size that is plainly wrong
        byte[] wav = riff(chunk("fmt ", fmt(1, 1, 8000, 2, 16), true), chunk("note", new byte[] {'a', 'b', 'c'}, false),
                chunk("data", shorts(16384), true));
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 20);
        Path odd = Files.write(dir.resolve("unpadded.wav"), wav);
        assertArrayEquals(new float[] {0.5f}, AudioIO.read(odd).channels()[0]);
    }

    @Test
    void streamedWavWithUnknownSizeReadsToTheEnd() throws IOException {
        Path good = dir.resolve("s.wav");
        AudioIO.write(noise(1, 1000, 8000, 6), good, AudioFileSpec.wav(SampleEncoding.PCM_16));
        byte[] b = Files.readAllBytes(good);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1).putInt(40, -1);
        Path streamed = Files.write(dir.resolve("streamed.wav"), b);
        assertEquals(1000, AudioIO.read(streamed).frames());
    }

    @Test
    void failedWriteLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("out.wav");
        AudioClip ok = noise(1, 100, 8000, 1);
        AudioIO.write(ok, target);
        byte[] before = Files.readAllBytes(target);
        float[][] bad = {ok.channels()[0].clone()};
        bad[0][50] = Float.NaN;
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> AudioIO.write(new AudioClip(bad, 8000), target));
        assertTrue(e.getMessage().contains("out.wav: refusing to write a NaN"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertThrows(AudioFormatException.class, () -> AudioIO.write(new AudioClip(bad, 8000), dir.resolve("new.flac")));
        assertFalse(Files.exists(dir.resolve("new.flac")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left");
        }
        assertThrows(IllegalArgumentException.class, () -> AudioFileSpec.flac(SampleEncoding.FLOAT_32));
    }

    @Test
    void writtenFilesGetOrdinaryPermissions() throws IOException {
        // the temporary file must not carry owner-only permissions into the result
        Path probe = Files.createFile(dir.resolve("probe.txt"));
        for (String name : new String[] {"perm.wav", "perm.flac"}) {
            Path f = dir.resolve(name);
            AudioIO.write(noise(1, 100, 8000, 1), f);
            if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
                assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(f), name);
            }
        }
    }
}
