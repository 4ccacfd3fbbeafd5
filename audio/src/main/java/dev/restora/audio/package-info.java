/**
 * Pure-Java audio for Restora (no DJL, no JavaFX, no Java Sound): {@link dev.restora.audio.AudioIO} reads WAV
 * (hand-written RIFF reader: integer PCM, float, G.711, WAVE_FORMAT_EXTENSIBLE, RF64) and FLAC, recognising the
 * format from the content, and writes both atomically; {@link dev.restora.audio.Resampler} converts sample rates
 * with a measured band-limited polyphase filter; {@link dev.restora.audio.Stft} gives spectra and spectrograms.
 */
package dev.restora.audio;
