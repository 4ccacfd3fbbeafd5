package dev.restora.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.Collection;
import java.util.List;

/**
 * The module and package rules of the project (README "Modules"), as ArchUnit rules over the compiled classes. The
 * modules are one-way: {@code audio} <- {@code restoration-core} <- {@code plugins/*} <- {@code app} (and
 * {@code spark}, which nothing depends on).
 */
final class ArchitectureRules {
    static final String AUDIO = "dev.restora.audio..";
    static final String CORE = "dev.restora.core..";
    static final String APP = "dev.restora.app..";
    static final String SPARK = "dev.restora.spark..";
    /** The plugins' root packages (plugins/classic, plugins/resshift, plugins/sgmse). */
    static final List<String> PLUGINS = List.of("dev.restora.classic..", "dev.restora.resshift..",
            "dev.restora.sgmse..");

    private ArchitectureRules() {
    }

    /** JavaFX belongs to the app: not in audio, core or any plugin. */
    static final ArchRule NO_JAVAFX_BELOW_APP = noClasses()
            .that().resideInAnyPackage(concat(PLUGINS, CORE, AUDIO))
            .should().dependOnClassesThat().resideInAnyPackage("javafx..")
            .as("no JavaFX below app (audio, core and plugins stay headless)");

    /** Core (and audio) never name a plugin, the app or spark. */
    static final ArchRule CORE_NAMES_NO_PLUGIN = noClasses()
            .that().resideInAnyPackage(CORE, AUDIO)
            .should().dependOnClassesThat().resideInAnyPackage(concat(PLUGINS, APP, SPARK))
            .as("core and audio never name a plugin, the app or spark");

    /** Audio is pure DSP: it does not know the core. */
    static final ArchRule AUDIO_IS_THE_BOTTOM = noClasses()
            .that().resideInAPackage(AUDIO)
            .should().dependOnClassesThat().resideInAPackage(CORE)
            .as("audio does not depend on core");

    /** Each plugin depends on core (and audio) only: never on another plugin, the app or spark. */
    static final ArchRule PLUGINS_ARE_INDEPENDENT = ArchRuleDefinition.classes()
            .that().resideInAnyPackage(PLUGINS.toArray(String[]::new))
            .should(dependOnNoOtherPluginNorApp())
            .as("plugins never depend on each other, nor on the app or spark");

    /** Nothing depends on the Spark module. */
    static final ArchRule NOTHING_USES_SPARK = noClasses()
            .that().resideOutsideOfPackage(SPARK)
            .should().dependOnClassesThat().resideInAPackage(SPARK)
            .as("nothing depends on spark");

    /** The studio's views go through the models (the job queue), never the worker pool. */
    static final ArchRule VIEWS_DO_NOT_TOUCH_THE_POOL = noClasses()
            .that().resideInAPackage("dev.restora.app.studio.view..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.restora.core.jobs.WorkerPool")
            .as("studio views never touch the worker pool (jobs.WorkerPool)");

    /** The command line does not use the studio. */
    static final ArchRule CLI_DOES_NOT_USE_THE_STUDIO = noClasses()
            .that().resideInAPackage("dev.restora.app.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.restora.app.studio..")
            .as("the command line never uses studio classes");

    /** No two exception types whose names are one letter apart (RestoraException / RestoreException). */
    static final ArchRule EXCEPTION_NAMES_ARE_DISTINCT = ArchRuleDefinition.classes()
            .that().haveSimpleNameEndingWith("Exception").and().resideInAPackage("dev.restora..")
            .should(haveANameFarFromEveryOtherException())
            .as("exception names differ by more than one letter");

    static final List<ArchRule> ALL = List.of(NO_JAVAFX_BELOW_APP, CORE_NAMES_NO_PLUGIN, AUDIO_IS_THE_BOTTOM,
            PLUGINS_ARE_INDEPENDENT, NOTHING_USES_SPARK, VIEWS_DO_NOT_TOUCH_THE_POOL, CLI_DOES_NOT_USE_THE_STUDIO,
            EXCEPTION_NAMES_ARE_DISTINCT);

    private static String[] concat(List<String> list, String... more) {
        String[] out = list.toArray(new String[list.size() + more.length]);
        System.arraycopy(more, 0, out, list.size(), more.length);
        return out;
    }

    private static String pluginOf(String packageName) {
        for (String p : PLUGINS) {
            String root = p.substring(0, p.length() - 2);
            if (packageName.equals(root) || packageName.startsWith(root + ".")) {
                return root;
            }
        }
        return null;
    }

    private static ArchCondition<JavaClass> dependOnNoOtherPluginNorApp() {
        return new ArchCondition<>("depend on no other plugin nor on the app") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String own = pluginOf(c.getPackageName());
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    String target = d.getTargetClass().getPackageName();
                    String other = pluginOf(target);
                    boolean bad = (other != null && !other.equals(own)) || target.startsWith("dev.restora.app")
                            || target.startsWith("dev.restora.spark");
                    if (bad) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                });
            }
        };
    }

    private static ArchCondition<JavaClass> haveANameFarFromEveryOtherException() {
        return new ArchCondition<>("have a name more than one letter from every other exception's") {
            private Collection<JavaClass> others = List.of();

            @Override
            public void init(Collection<JavaClass> allObjectsToTest) {
                others = allObjectsToTest;
            }

            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaClass o : others) {
                    if (!o.equals(c) && oneEditApart(c.getSimpleName(), o.getSimpleName())) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " and " + o.getName()
                                + " differ by one letter"));
                    }
                }
            }
        };
    }

    /** Whether two different names are one insertion, deletion or substitution apart. */
    static boolean oneEditApart(String a, String b) {
        if (a.equals(b) || Math.abs(a.length() - b.length()) > 1) {
            return false;
        }
        int i = 0;
        while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int j = 0;
        while (j < Math.min(a.length(), b.length()) - i
                && a.charAt(a.length() - 1 - j) == b.charAt(b.length() - 1 - j)) {
            j++;
        }
        return a.length() - i - j <= 1 && b.length() - i - j <= 1;
    }
}
