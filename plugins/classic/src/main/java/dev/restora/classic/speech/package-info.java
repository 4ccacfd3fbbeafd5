/**
 * The weight-free speech denoiser ({@code classic-speech}): STFT-domain log-MMSE / OM-LSA / Wiener gains with a
 * decision-directed a priori SNR and Martin's minimum-statistics noise tracker. The quality floor for SGMSE+ and
 * StoRM.
 */
package dev.restora.classic.speech;
