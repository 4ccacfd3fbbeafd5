/**
 * Objective speech measures against a clean reference: SI-SDR, SNR, segmental SNR
 * ({@link dev.restora.audio.metrics.SpeechMetrics}) and STOI ({@link dev.restora.audio.metrics.Stoi}).
 */
package dev.restora.audio.metrics;
