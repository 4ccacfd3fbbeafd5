package dev.restora.esrgan;

import ai.djl.ndarray.NDManager;
import dev.restora.core.RestoraException;
import dev.restora.core.tfjs.ModelFiles;
import dev.restora.core.tfjs.TfjsModelReader;

/** A loaded package model: its variant and network, checked to map 3 channels to 3 at the variant's scale. */
record EsrganModel(EsrganVariant variant, GraphNetwork network) {

    /** Reads and builds the variant's model from {@code files}; the weights go into {@code weights}. */
    static EsrganModel load(EsrganVariant variant, ModelFiles files, NDManager weights) {
        GraphNetwork net = GraphNetwork.build(TfjsModelReader.read(files), weights);
        if (net.inChannels() != 3 || net.outChannels() != 3 || net.scale() != variant.scale()) {
            throw new RestoraException(files.describe("model.json") + ": the network maps " + net.inChannels()
                    + " channels to " + net.outChannels() + " at x" + net.scale() + ", but " + variant.id()
                    + " should map RGB to RGB at x" + variant.scale());
        }
        return new EsrganModel(variant, net);
    }

    /** The bundled copy on the class path (read in place, also from inside the plugin's jar). */
    static EsrganModel bundled(EsrganVariant variant, NDManager weights) {
        return load(variant, ModelFiles.classpath(EsrganModel.class.getClassLoader(), variant.resourceFolder()),
                weights);
    }
}
