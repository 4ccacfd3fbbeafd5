package dev.restora.app.cli.archviolation;

/** Test fixture: a command-line class that uses the studio and the Spark module. */
public final class CliUsesStudioAndSpark {
    private CliUsesStudioAndSpark() {
    }

    static Object studio() {
        return dev.restora.app.studio.StudioApp.class;
    }

    static Object spark() {
        return dev.restora.spark.archviolation.SparkJob.class;
    }
}
