package dev.restora.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter specs and validated values (no engine needed). */
class ParameterSpecTest {
    private static final ParameterSpec.IntSpec STEPS =
            new ParameterSpec.IntSpec("steps", "Steps", "sampling steps", 15, 1, 100);
    private static final ParameterSpec.DoubleSpec SNR =
            new ParameterSpec.DoubleSpec("snr", "SNR", "corrector signal-to-noise ratio", 0.5, 0.0, 1.0);
    private static final ParameterSpec.BoolSpec PREVIEW =
            new ParameterSpec.BoolSpec("preview", "Preview", "show previews", true);
    private static final ParameterSpec.ChoiceSpec SAMPLER = new ParameterSpec.ChoiceSpec("sampler", "Sampler",
            "the sampler", "pc", List.of("pc", "ode", "sde"));
    private static final ParameterSpec.SeedSpec SEED = new ParameterSpec.SeedSpec("seed", "Seed", "random seed");
    private static final List<ParameterSpec<?>> ALL = List.of(STEPS, SNR, PREVIEW, SAMPLER, SEED);

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void intSpecChecksWholeNumbersAndRange() {
        assertEquals(30, STEPS.validate(30));
        assertEquals(30, STEPS.validate(30L));
        assertEquals(30, STEPS.validate(30.0));
        assertEquals(7, STEPS.parse(" 7 "));
        assertEquals("steps must be between 1 and 100, got 0", message(() -> STEPS.validate(0)));
        assertEquals("steps must be between 1 and 100, got 101", message(() -> STEPS.parse("101")));
        assertEquals("steps must be a whole number, got 2.5", message(() -> STEPS.validate(2.5)));
        assertEquals("steps must be a whole number, got 'ten'", message(() -> STEPS.parse("ten")));
        assertEquals("steps must be a whole number, got true", message(() -> STEPS.validate(true)));
    }

    @Test
    void doubleSpecChecksNumbersAndRange() {
        assertEquals(0.25, SNR.validate(0.25));
        assertEquals(1.0, SNR.validate(1));
        assertEquals(0.125, SNR.parse("0.125"));
        assertEquals("snr must be between 0.0 and 1.0, got 1.5", message(() -> SNR.parse("1.5")));
        assertEquals("snr must be a number, got NaN", message(() -> SNR.validate(Double.NaN)));
        assertEquals("snr must be a number, got 'x'", message(() -> SNR.parse("x")));
        assertEquals("snr must be a number, got abc", message(() -> SNR.validate("abc")));
    }

    @Test
    void boolSpecParsesCommonWords() {
        for (String t : new String[] {"true", "YES", "1", "on"}) {
            assertTrue(PREVIEW.parse(t), t);
        }
        for (String t : new String[] {"false", "No", "0", "off"}) {
            assertFalse(PREVIEW.parse(t), t);
        }
        assertEquals("preview must be true or false, got 'maybe'", message(() -> PREVIEW.parse("maybe")));
        assertEquals("preview must be true or false, got 1", message(() -> PREVIEW.validate(1)));
    }

    @Test
    void choiceSpecListsTheChoices() {
        assertEquals("ode", SAMPLER.parse(" ode "));
        assertEquals("sampler must be one of [pc, ode, sde], got euler", message(() -> SAMPLER.parse("euler")));
        assertThrows(IllegalArgumentException.class,
                () -> new ParameterSpec.ChoiceSpec("s", "S", "", "x", List.of("a", "b")));
    }

    @Test
    void seedSpecDefaultsToPickOne() {
        assertEquals(-1L, SEED.defaultValue());
        assertEquals(123456789012L, SEED.parse("123456789012"));
        assertEquals(5L, SEED.validate(5));
        assertEquals("seed must be a whole number, got 'abc'", message(() -> SEED.parse("abc")));
        assertEquals("seed must be a whole number, got 1.5", message(() -> SEED.validate(1.5)));
    }

    @Test
    void valuesFillDefaultsParseTextAndRefuseUnknownIds() {
        ParameterValues d = ParameterValues.defaults(ALL);
        assertEquals(15, d.getInt("steps"));
        assertEquals(0.5, d.getDouble("snr"));
        assertTrue(d.getBoolean("preview"));
        assertEquals("pc", d.getString("sampler"));
        assertEquals(-1L, d.getLong("seed"));
        assertEquals(List.of("steps", "snr", "preview", "sampler", "seed"), List.copyOf(d.asMap().keySet()));

        Map<String, Object> over = new LinkedHashMap<>();
        over.put("steps", "40");
        over.put("snr", 0.3);
        over.put("preview", "off");
        over.put("seed", 99);
        ParameterValues v = ParameterValues.of(ALL, over);
        assertEquals(40, v.getInt("steps"));
        assertEquals(0.3, v.getDouble("snr"));
        assertFalse(v.getBoolean("preview"));
        assertEquals(99L, v.getLong("seed"));
        assertTrue(v.has("sampler"));
        assertFalse(v.has("eta"));
        assertThrows(UnsupportedOperationException.class, () -> v.asMap().put("steps", 1));

        assertEquals("unknown parameter 'eta'; known: [steps, snr, preview, sampler, seed]",
                message(() -> ParameterValues.of(ALL, Map.of("eta", 1))));
        assertEquals("steps must be between 1 and 100, got 1000",
                message(() -> ParameterValues.of(ALL, Map.of("steps", "1000"))));
        assertEquals("no parameter 'eta'", message(() -> v.getInt("eta")));
    }

    @Test
    void descriptorRequiresAModelAndFindsModelsById() {
        ModelOption a = new ModelOption("v3", "ResShift v3", List.of("resshift_v3"), 4, "x4");
        ModelOption b = new ModelOption("face", "Face", List.of(), 1, "faces");
        PipelineDescriptor d = new PipelineDescriptor("resshift", "ResShift", Modality.IMAGE, "SR", List.of(a, b),
                ALL);
        assertEquals(a, d.requireModel(null));
        assertEquals(b, d.requireModel("face"));
        assertEquals("pipeline resshift has no model 'v9'; its models are [v3, face]",
                message(() -> d.requireModel("v9")));
        assertThrows(IllegalArgumentException.class,
                () -> new PipelineDescriptor("x", "X", Modality.SPEECH, "", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ModelOption("m", "M", List.of(), 0, ""));
    }
}
