package dev.restora.app.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restora.app.architecture.dtypeviolation.Float64Scalars;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * No production class makes a float64 array for the compute device (Apple's MPS has no float64; issue #10): the
 * bytecode of every module's main classes is read by {@link Float64Scan}, and a test-only class shows the scan finds
 * each way of doing it (a {@code double} boxed into DJL's {@code Number} parameters, {@code create(double...)}, a
 * {@code DoubleBuffer}, {@code DataType.FLOAT64}) by class and line.
 */
class DeviceDtypeTest {
    private final Float64Scan scan = new Float64Scan(getClass().getClassLoader());

    @Test
    void noProductionClassMakesAFloat64ArrayOutsideTheCpuParts() throws Exception {
        List<Path> roots = productionRoots();
        List<Float64Scan.Finding> findings = new ArrayList<>();
        for (Path root : roots) {
            findings.addAll(scan.scanTree(root));
        }
        // the checkpoint element-type table names FLOAT64 (a lookup, no array); TensorMaterializer narrows a float64
        // tensor bound for a GPU on the CPU (@CpuFloat64)
        findings.removeIf(f -> f.className().equals("dev.restora.core.checkpoint.TensorDtype")
                && f.method().equals("<clinit>") && f.what().equals("DataType.FLOAT64"));
        assertTrue(findings.isEmpty(), findings.size() + " place(s) make a float64 array on the compute device "
                + "(use float literals such as 0.5f, float32 arrays, or keep it on the CPU in a method marked "
                + "@CpuFloat64):\n" + findings.stream().map(Object::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void theScanFindsEachWayOfMakingAFloat64ArrayByLine() throws IOException {
        List<Float64Scan.Finding> found = scan.scanClass(Float64Scalars.class);
        Path source = Path.of("src/test/java/dev/restora/app/architecture/dtypeviolation/Float64Scalars.java");
        List<String> lines = Files.readAllLines(source);
        TreeSet<Integer> marked = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// float64")) {
                marked.add(i + 1);
            }
        }
        assertEquals(9, marked.size());
        TreeSet<Integer> reported = found.stream().map(Float64Scan.Finding::line)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(marked, reported, "found: " + found);
        assertTrue(found.stream().allMatch(f -> f.className().equals(Float64Scalars.class.getName())
                && f.method().equals("all")), "the @CpuFloat64 method and its lambda are exempt: " + found);
    }

    /** The main-class folders of every module (target/classes, never test-classes or jars). */
    private List<Path> productionRoots() throws IOException, URISyntaxException {
        List<Path> roots = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("dev/restora/"))) {
            if (!url.getProtocol().equals("file")) {
                continue;
            }
            Path dir = Path.of(url.toURI());
            if (dir.getParent().getParent().getFileName().toString().equals("classes")) {
                roots.add(dir);
            }
        }
        List<String> names = roots.stream().map(Path::toString).toList();
        for (String module : List.of("restoration-core", "plugins/resshift", "plugins/sgmse", "plugins/esrgan",
                "plugins/classic")) {
            assertTrue(names.stream().anyMatch(n -> n.contains(module + "/target/classes")),
                    "no main classes of " + module + " on the class path: " + names);
        }
        return roots;
    }
}
