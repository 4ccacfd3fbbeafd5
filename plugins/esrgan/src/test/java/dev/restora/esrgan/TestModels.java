package dev.restora.esrgan;

import dev.restora.core.tfjs.ModelFiles;

/** The project's copies of the package models: the bundled thick x4 and the test resources' others. */
final class TestModels {
    private TestModels() {
    }

    static ModelFiles files(EsrganVariant v) {
        return ModelFiles.classpath(TestModels.class.getClassLoader(), v.resourceFolder());
    }
}
