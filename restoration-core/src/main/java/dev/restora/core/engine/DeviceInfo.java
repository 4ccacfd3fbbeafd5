package dev.restora.core.engine;

import ai.djl.Device;

/**
 * A device a job can run on.
 *
 * @param device      the DJL device
 * @param name        what the user types and sees: {@code cpu} or {@code gpu:N}
 * @param memoryBytes total device memory for a GPU (-1 when unknown), -1 for the CPU
 * @param description a one-line description for listings
 */
public record DeviceInfo(Device device, String name, long memoryBytes, String description) {

    public boolean isGpu() {
        return device.isGpu();
    }
}
