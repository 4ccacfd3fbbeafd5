package dev.restora.resshift;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.restora.core.nn.Activations;
import org.junit.jupiter.api.Test;

/** The GELU the Swin MLP uses is the exact erf form (not the tanh approximation, which differs by up to 5e-4). */
class ActivationsTest {
    @Test
    void geluIsTheErfForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.linspace(-6f, 6f, 20001);
            float[] y = Activations.gelu(x).toFloatArray();
            float[] xs = x.toFloatArray();
            double worst = 0;
            for (int i = 0; i < xs.length; i++) {
                double exact = 0.5 * xs[i] * (1 + erf(xs[i] / Math.sqrt(2)));
                worst = Math.max(worst, Math.abs(exact - y[i]));
            }
            System.out.println("gelu max abs error vs float64 erf form: " + worst);
            assertTrue(worst < 2e-6, "gelu error " + worst);
        }
    }

    /** erf by its series/continued fraction in float64 (Abramowitz-Stegun 7.1.26 is too coarse here). */
    static double erf(double z) {
        double t = Math.abs(z);
        double sum;
        if (t < 3) {
            double term = t;
            sum = t;
            for (int n = 1; n < 200; n++) {
                term *= -t * t / n;
                sum += term / (2 * n + 1);
            }
            sum *= 2 / Math.sqrt(Math.PI);
        } else {
            // asymptotic continued fraction for erfc
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (t + f);
            }
            sum = 1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
        }
        return z < 0 ? -sum : sum;
    }
}
