package dev.restora.app.cli;

import dev.restora.core.models.CatalogEntry;
import dev.restora.core.models.ModelStatus;
import dev.restora.core.models.ModelStore;
import dev.restora.core.pipeline.ModelOption;
import dev.restora.core.pipeline.ParameterSpec;
import dev.restora.core.pipeline.PipelineDescriptor;
import dev.restora.core.plugins.PipelineRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code restora pipelines}: every pipeline with its models (and whether their weights are here) and parameters. */
@Command(name = "pipelines", mixinStandardHelpOptions = true, description = "List the pipelines, their models (and whether the weights are present)"
        + " and their parameters with defaults and ranges.")
final class PipelinesCommand implements Callable<Integer> {
    @ParentCommand
    RestoraCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelineRegistry registry = root.registry();
        ModelStore models = root.models();
        Map<String, CatalogEntry> catalog = registry.catalog();
        for (String problem : registry.problems()) {
            err.println("warning: " + problem);
        }
        if (registry.all().isEmpty()) {
            out.println("No pipelines installed.");
            out.flush();
            return ExitCodes.OK;
        }
        boolean first = true;
        for (PipelineRegistry.Registered r : registry.all()) {
            PipelineDescriptor d = r.descriptor();
            if (!first) {
                out.println();
            }
            first = false;
            out.printf("%s  (%s, %s)%n", d.id(), d.displayName(), d.modality().name().toLowerCase(Locale.ROOT));
            if (d.description() != null && !d.description().isBlank()) {
                out.println("  " + d.description());
            }
            if (!r.source().equals("class path")) {
                out.println("  plugin: " + r.source());
            }
            out.println("  models:");
            for (ModelOption m : d.models()) {
                String mark = m == d.defaultModel() ? "*" : " ";
                out.printf("  %s %-24s x%d  %s%n", mark, m.id(), m.scale(), weights(m, models, catalog));
                if (m.description() != null && !m.description().isBlank()) {
                    out.println("      " + m.description());
                }
            }
            if (!d.parameters().isEmpty()) {
                out.println("  parameters:");
                for (ParameterSpec<?> p : d.parameters()) {
                    out.printf("    %-20s %-7s default %-10s %s%s%n", p.id(), type(p), defaultText(p), range(p),
                            p.description() == null || p.description().isBlank() ? "" : "  " + p.description());
                }
            }
        }
        out.println();
        out.println("* = default model. Weight files are looked for in " + models.directory()
                + " (see 'restora models list')");
        out.flush();
        return ExitCodes.OK;
    }

    private static String weights(ModelOption m, ModelStore models, Map<String, CatalogEntry> catalog) {
        if (m.catalogEntryIds().isEmpty()) {
            return "weights: none needed";
        }
        List<String> missing = new ArrayList<>();
        for (String id : m.catalogEntryIds()) {
            if (!isPresent(models, id)) {
                CatalogEntry e = catalog.get(id);
                missing.add(e == null ? id + " (not in any catalog)" : e.fileName());
            }
        }
        return missing.isEmpty() ? "weights: present" : "weights: MISSING " + String.join(", ", missing);
    }

    private static boolean isPresent(ModelStore models, String id) {
        if (models.catalog().find(id).isEmpty()) {
            return false;
        }
        ModelStatus s = models.status(id);
        return s == ModelStatus.PRESENT || s == ModelStatus.VERIFIED;
    }

    static String type(ParameterSpec<?> p) {
        if (p instanceof ParameterSpec.IntSpec) {
            return "int";
        } else if (p instanceof ParameterSpec.DoubleSpec) {
            return "number";
        } else if (p instanceof ParameterSpec.BoolSpec) {
            return "bool";
        } else if (p instanceof ParameterSpec.ChoiceSpec) {
            return "choice";
        } else if (p instanceof ParameterSpec.SeedSpec) {
            return "seed";
        }
        // kinds added later (a file path, ...): named after their spec type
        return p.getClass().getSimpleName().replace("Spec", "").toLowerCase(java.util.Locale.ROOT);
    }

    static String defaultText(ParameterSpec<?> p) {
        if (p instanceof ParameterSpec.SeedSpec) {
            return "-1";
        }
        Object d = p.defaultValue();
        return d == null || d.toString().isEmpty() ? "(none)" : d.toString();
    }

    static String range(ParameterSpec<?> p) {
        if (p instanceof ParameterSpec.IntSpec i) {
            return "range " + i.min() + ".." + i.max();
        } else if (p instanceof ParameterSpec.DoubleSpec d) {
            return "range " + fmt(d.min()) + ".." + fmt(d.max());
        } else if (p instanceof ParameterSpec.ChoiceSpec c) {
            return "one of " + String.join("|", c.choices());
        } else if (p instanceof ParameterSpec.BoolSpec) {
            return "true|false";
        } else if (p instanceof ParameterSpec.SeedSpec) {
            return "(-1 = random, printed)";
        }
        return "";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
