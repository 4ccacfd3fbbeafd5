package dev.restora.core.parity;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The rule every parity test follows, in one place. A test that checks nothing must not pass:
 * <ul>
 *   <li>a family whose manifest yields no case of a kind the test exists for is a skip with a message, and a
 *       failure under {@code -Drestora.parity.required=true} (JUnit reports an empty {@code @TestFactory} as passed,
 *       so factories go through {@link #family} or {@link #nonEmpty});</li>
 *   <li>a case a test cannot run is named as unsupported ({@link #unsupported}, a failure), never skipped;</li>
 *   <li>every case kind in a manifest is run by some test ({@link #assertKindsRun}).</li>
 * </ul>
 */
public final class ParityCases {
    private ParityCases() {
    }

    /** Skips (fails when fixtures are required) with "no {@code what}" when {@code count} is zero. */
    public static void requireSome(int count, String what) {
        if (count > 0) {
            return;
        }
        String msg = "no " + what + " in the parity fixtures (" + ParityFixtures.parityRoot() + ")";
        if (ParityFixtures.required()) {
            Assertions.fail(msg + "; -D" + ParityFixtures.REQUIRED_PROPERTY + "=true makes this a failure");
        }
        Assumptions.abort(msg);
    }

    /** {@code tests}, or when there are none one test that skips (fails when required) naming what is missing. */
    public static Stream<DynamicTest> nonEmpty(String what, List<DynamicTest> tests) {
        if (!tests.isEmpty()) {
            return tests.stream();
        }
        return Stream.of(DynamicTest.dynamicTest("no " + what, () -> requireSome(0, what)));
    }

    /**
     * One family's dynamic tests made by {@code build} from its fixtures. Fixtures absent: one test that skips, or
     * fails when required, naming the folder. No test made: one test that does the same naming {@code what}.
     */
    public static List<DynamicTest> family(String family, String what,
                                           Function<ParityFixtures, List<DynamicTest>> build) {
        ParityFixtures fx;
        try {
            fx = ParityFixtures.family(family);
        } catch (TestAbortedException | AssertionFailedError e) {
            return List.of(DynamicTest.dynamicTest(family, () -> ParityFixtures.family(family)));
        }
        List<DynamicTest> tests = build.apply(fx);
        if (tests.isEmpty()) {
            String missing = family + " " + what;
            return List.of(DynamicTest.dynamicTest(family + ": no " + what, () -> requireSome(0, missing)));
        }
        return tests;
    }

    /** The cases of {@code kind} (null: any) whose inputs and outputs hold at least the named arrays. */
    public static List<JsonObject> having(ParityFixtures fx, String kind, List<String> inputs, List<String> outputs) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject c : fx.cases(kind)) {
            JsonObject in = c.has("inputs") ? c.getAsJsonObject("inputs") : new JsonObject();
            JsonObject o = c.has("outputs") ? c.getAsJsonObject("outputs") : new JsonObject();
            if (inputs.stream().allMatch(in::has) && outputs.stream().allMatch(o::has)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The failure for a case no test can run: names the case, its kind and the fields it carries. */
    public static AssertionError unsupported(JsonObject c, String why) {
        JsonObject in = c.has("inputs") && c.get("inputs").isJsonObject() ? c.getAsJsonObject("inputs") : new JsonObject();
        JsonObject out = c.has("outputs") && c.get("outputs").isJsonObject() ? c.getAsJsonObject("outputs")
                : new JsonObject();
        return new AssertionError("unsupported parity case '" + ParityFixtures.str(c, "name") + "' (kind "
                + ParityFixtures.str(c, "kind") + ", inputs " + in.keySet() + ", outputs " + out.keySet() + "): "
                + why);
    }

    /**
     * Fails naming every case whose kind no test runs; {@code runBy} maps each supported kind to the tests that run
     * it (for the message). Also fails, under the usual rule, when the manifest has no case at all.
     */
    public static void assertKindsRun(ParityFixtures fx, Map<String, String> runBy) {
        Map<String, List<String>> unknown = new TreeMap<>();
        int cases = 0;
        for (JsonObject c : fx.cases(null)) {
            cases++;
            String kind = String.valueOf(ParityFixtures.str(c, "kind"));
            if (!runBy.containsKey(kind)) {
                unknown.computeIfAbsent(kind, k -> new ArrayList<>()).add(ParityFixtures.str(c, "name"));
            }
        }
        requireSome(cases, "case in " + fx.dir().resolve("manifest.json"));
        Assertions.assertTrue(unknown.isEmpty(), () -> fx.dir().resolve("manifest.json") + ": case kinds no test "
                + "runs (unsupported): " + unknown + "; supported: " + runBy);
    }
}
