package dev.restora.sgmse.nn;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter layout of an NCSN++ configuration (spec §5.4, §5.2) without any weights: every key with its shape
 * in registration order ({@code output_layer} first, then {@code all_modules.<i>} in index order), and the
 * multiply-accumulate count of one forward pass at a given input size. Used to build random-weight networks for
 * benchmarks and to check checkpoints.
 */
public final class NcsnppLayout {
    private final Map<String, Shape> parameters = new LinkedHashMap<>();
    private final List<long[]> convs = new ArrayList<>(); // {in, out, k, level, groups(1)}
    private final List<long[]> attns = new ArrayList<>(); // {channels, level}
    private int index;

    private NcsnppLayout() {
    }

    /** Keys (without prefix) and shapes in the checkpoint's order. */
    public static Map<String, Shape> parameters(NcsnppConfig c) {
        return build(c).parameters;
    }

    /** Total parameter count. */
    public static long parameterCount(NcsnppConfig c) {
        return parameters(c).values().stream().mapToLong(Shape::size).sum();
    }

    /**
     * Multiply-accumulates of one forward pass on a {@code [1, C_in, f, t]} input: convolutions (3x3 and 1x1,
     * NIN included), attention products (q·k and weights·v) and the FIR resampling; element-wise work is left out.
     */
    public static long macs(NcsnppConfig c, long f, long t) {
        NcsnppLayout l = build(c);
        long total = 0;
        for (long[] cv : l.convs) {
            long hw = (f >> cv[3]) * (t >> cv[3]);
            total += cv[0] * cv[1] * cv[2] * cv[2] * hw;
        }
        for (long[] a : l.attns) {
            long hw = (f >> a[1]) * (t >> a[1]);
            total += 2 * hw * hw * a[0];
        }
        return total;
    }

    private static NcsnppLayout build(NcsnppConfig c) {
        NcsnppLayout l = new NcsnppLayout();
        int nf = c.nf();
        long temb = 4L * nf;
        int cin = c.inputChannels();
        l.parameters.put("output_layer.weight", new Shape(2, cin, 1, 1));
        l.parameters.put("output_layer.bias", new Shape(2));
        l.convs.add(new long[] {cin, 2, 1, 0});
        l.put("W", new Shape(nf));
        l.index++;
        if (c.conditional()) {
            l.linear(2L * nf, temb);
            l.linear(temb, temb);
        }
        l.conv(cin, nf, 3, 0);
        List<Long> hs = new ArrayList<>();
        hs.add((long) nf);
        long in = nf;
        int levels = c.levels();
        for (int i = 0; i < levels; i++) {
            for (int r = 0; r < c.numResBlocks(); r++) {
                long out = (long) nf * c.chMult()[i];
                l.res(in, out, false, temb, i);
                in = out;
                if (c.attentionAt(i)) {
                    l.attn(in, i);
                }
                hs.add(in);
            }
            if (i < levels - 1) {
                l.res(in, in, true, temb, i + 1);
                if (c.inputSkip()) {
                    l.combine(cin, in, i + 1);
                }
                hs.add(in);
            }
        }
        l.res(in, in, false, temb, levels - 1);
        l.attn(in, levels - 1);
        l.res(in, in, false, temb, levels - 1);
        for (int i = levels - 1; i >= 0; i--) {
            for (int r = 0; r < c.numResBlocks() + 1; r++) {
                long out = (long) nf * c.chMult()[i];
                l.res(in + hs.remove(hs.size() - 1), out, false, temb, i);
                in = out;
            }
            if (c.attentionAt(i)) {
                l.attn(in, i);
            }
            if (c.outputSkip()) {
                l.norm(in);
                l.conv(in, cin, 3, i);
            }
            if (i > 0) {
                l.res(in, in, true, temb, i - 1); // the up block works at the next finer level
            }
        }
        if (!c.outputSkip()) {
            l.norm(in);
            l.conv(in, cin, 3, 0);
        }
        return l;
    }

    private String prefix() {
        return "all_modules." + index + ".";
    }

    private void put(String key, Shape s) {
        parameters.put(prefix() + key, s);
    }

    private void linear(long in, long out) {
        put("weight", new Shape(out, in));
        put("bias", new Shape(out));
        index++;
    }

    private void conv(long in, long out, int k, int level) {
        put("weight", new Shape(out, in, k, k));
        put("bias", new Shape(out));
        convs.add(new long[] {in, out, k, level});
        index++;
    }

    private void combine(long in, long out, int level) {
        put("Conv_0.weight", new Shape(out, in, 1, 1));
        put("Conv_0.bias", new Shape(out));
        convs.add(new long[] {in, out, 1, level});
        index++;
    }

    private void norm(long ch) {
        put("weight", new Shape(ch));
        put("bias", new Shape(ch));
        index++;
    }

    /** A BigGAN block whose output lives at {@code level} (a down block's input is one level finer). */
    private void res(long in, long out, boolean resample, long temb, int level) {
        String p = prefix();
        parameters.put(p + "GroupNorm_0.weight", new Shape(in));
        parameters.put(p + "GroupNorm_0.bias", new Shape(in));
        parameters.put(p + "Conv_0.weight", new Shape(out, in, 3, 3));
        parameters.put(p + "Conv_0.bias", new Shape(out));
        parameters.put(p + "Dense_0.weight", new Shape(out, temb));
        parameters.put(p + "Dense_0.bias", new Shape(out));
        parameters.put(p + "GroupNorm_1.weight", new Shape(out));
        parameters.put(p + "GroupNorm_1.bias", new Shape(out));
        parameters.put(p + "Conv_1.weight", new Shape(out, out, 3, 3));
        parameters.put(p + "Conv_1.bias", new Shape(out));
        int outLevel = level;
        convs.add(new long[] {in, out, 3, outLevel});
        convs.add(new long[] {out, out, 3, outLevel});
        if (in != out || resample) {
            parameters.put(p + "Conv_2.weight", new Shape(out, in, 1, 1));
            parameters.put(p + "Conv_2.bias", new Shape(out));
            convs.add(new long[] {in, out, 1, outLevel});
        }
        index++;
    }

    private void attn(long ch, int level) {
        String p = prefix();
        parameters.put(p + "GroupNorm_0.weight", new Shape(ch));
        parameters.put(p + "GroupNorm_0.bias", new Shape(ch));
        for (int i = 0; i < 4; i++) {
            parameters.put(p + "NIN_" + i + ".W", new Shape(ch, ch));
            parameters.put(p + "NIN_" + i + ".b", new Shape(ch));
            convs.add(new long[] {ch, ch, 1, level});
        }
        attns.add(new long[] {ch, level});
        index++;
    }
}
