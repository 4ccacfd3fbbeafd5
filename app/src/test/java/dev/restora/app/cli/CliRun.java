package dev.restora.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process with captured output. */
record CliRun(int code, String out, String err) {

    /** Runs {@code restora args...} with an empty plugin folder and the given model folder. */
    static CliRun run(Path modelsDir, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (modelsDir != null) {
            all.add("--models-dir");
            all.add(modelsDir.toString());
            all.add("--plugins-dir");
            all.add(modelsDir.resolve("no-plugins").toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RestoraCommand.execute(all.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
}
