package dev.restora.spark.archviolation;

/** Test fixture: stands for a class of the Spark module, which nothing may depend on. */
public final class SparkJob {
    private SparkJob() {
    }
}
