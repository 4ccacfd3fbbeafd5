package dev.restora.core.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that deliberately makes float64 arrays and keeps them on the CPU (an ODE solver state, a time grid,
 * a reference computation), handing the compute device float32 only through an explicit transfer. Apple's MPS device
 * has no float64, so every other method of a network, sampler or pipeline must make no float64 array: float literals
 * ({@code 0.5f}, never a {@code double} that DJL boxes to a float64 scalar), float32 arrays. The app's
 * {@code DeviceDtypeTest} reads the bytecode and accepts float64 only in methods carrying this annotation, and its
 * {@code RuntimeDtypeTest} accepts a float64 array made while the pipelines run only below such a method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface CpuFloat64 {
    /** Why float64 is needed here and how the result reaches the device. */
    String value();
}
