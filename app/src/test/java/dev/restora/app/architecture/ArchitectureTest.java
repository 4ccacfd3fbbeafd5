package dev.restora.app.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module and package rules ({@link ArchitectureRules}) hold for the production classes of every module, and each
 * rule fails on a class that breaks it (the {@code violations} fixtures, test code only). Also the house rules of the
 * stop-time script that are about the repository: CI requires the parity fixtures, and the documents stand on their
 * own (no build machine's absolute paths).
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.restora");
        // every module's classes are on the app's test class path: the rules see them all
        for (String pkg : List.of("dev.restora.audio", "dev.restora.core", "dev.restora.classic",
                "dev.restora.resshift", "dev.restora.sgmse", "dev.restora.app.cli", "dev.restora.app.studio.view")) {
            assertTrue(production.containPackage(pkg), "no classes of " + pkg + " imported");
        }
    }

    /** Test-only classes that each break a rule (in the packages the rules are about). */
    private static final String[] VIOLATIONS = {"dev.restora.app.architecture.violations",
        "dev.restora.core.archviolation", "dev.restora.classic.archviolation", "dev.restora.audio.archviolation",
        "dev.restora.spark.archviolation", "dev.restora.app.cli.archviolation",
        "dev.restora.app.studio.view.archviolation"};

    @Test
    void theProductionClassesFollowEveryRule() {
        for (ArchRule rule : ArchitectureRules.ALL) {
            rule.check(production);
        }
    }

    @Test
    void eachRuleFailsOnAClassThatBreaksIt() {
        JavaClasses bad = new ClassFileImporter().importPackages(VIOLATIONS);
        for (ArchRule rule : ArchitectureRules.ALL) {
            AssertionError e = assertThrows(AssertionError.class, () -> rule.check(bad), rule.getDescription());
            assertTrue(e.getMessage().contains("archviolation") || e.getMessage().contains("violations"),
                    e.getMessage());
        }
        assertTrue(ArchitectureRules.oneEditApart("RestoraException", "RestoreException"));
        assertFalse(ArchitectureRules.oneEditApart("RestoraException", "RestoreFailedException"));
    }

    // ---- house rules about the repository (from the stop-time script) ----

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve(".ci"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no .ci folder above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Problems with CI: .ci/run missing, or parity fixtures not required. */
    static List<String> ciProblems(Path root) throws IOException {
        Path run = root.resolve(".ci/run");
        if (!Files.isRegularFile(run)) {
            return List.of(".ci/run is missing");
        }
        return Files.readString(run).contains("-Drestora.parity.required=true") ? List.of()
                : List.of(".ci/run does not set -Drestora.parity.required=true");
    }

    private static final Pattern MACHINE_PATH = Pattern.compile(
            "(?<![\\w.])(/work/|/home/\\w|/Users/\\w|/root/|[A-Z]:\\\\Users\\\\)|\\bshared/(specs|design)/");

    /** Markdown lines citing a build machine's absolute paths or the workspace's private spec/design notes. */
    static List<String> docProblems(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path md : s.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !root.relativize(p).toString().contains("target"))
                    .filter(p -> !root.relativize(p).toString().startsWith(".")).sorted().toList()) {
                List<String> lines = Files.readAllLines(md);
                for (int i = 0; i < lines.size(); i++) {
                    if (MACHINE_PATH.matcher(lines.get(i)).find()) {
                        out.add(root.relativize(md) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void ciRequiresTheParityFixtures() throws IOException {
        assertEquals(List.of(), ciProblems(repositoryRoot()));
    }

    @Test
    void theDocumentsStandOnTheirOwn() throws IOException {
        assertEquals(List.of(), docProblems(repositoryRoot()));
    }

    @Test
    void theRepositoryChecksFailWhenBroken(@TempDir Path dir) throws IOException {
        assertEquals(List.of(".ci/run is missing"), ciProblems(dir));
        Files.createDirectories(dir.resolve(".ci"));
        Files.writeString(dir.resolve(".ci/run"), "mvn -B test\n");
        assertEquals(1, ciProblems(dir).size());
        Files.createDirectories(dir.resolve("plugins/x"));
        Files.writeString(dir.resolve("plugins/x/README.md"), "ok: ../shared/parity\nspec: `/work/shared/specs/x.md`\n"
                + "see shared/design/reference-timings.md\n");
        assertEquals(2, docProblems(dir).size(), docProblems(dir).toString());
    }
}
