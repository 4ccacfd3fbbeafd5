package dev.restora.sgmse;

import dev.restora.core.models.CatalogEntry;
import dev.restora.core.pipeline.ModelOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The officially released SGMSE+ / SB / StoRM checkpoints (spec §6.5) as model options and catalog entries.
 * Sizes and hashes are unknown until first download (recorded then by the model store).
 */
public final class SpeechCatalog {
    static final String SGMSE_LICENCE = "MIT (sp-uhh/sgmse, https://github.com/sp-uhh/sgmse/blob/main/LICENSE); "
            + "checkpoints published by the authors for research use";
    static final String STORM_LICENCE = "MIT (sp-uhh/storm, https://github.com/sp-uhh/storm/blob/main/LICENSE); "
            + "checkpoints published by the authors for research use";
    private static final String GDRIVE = "https://drive.google.com/uc?export=download&id=";
    private static final String GENSE = "https://www2.informatik.uni-hamburg.de/sp/audio/publications/icassp2025_gense/checkpoints/";
    private static final String REVERBFX = "https://www2.informatik.uni-hamburg.de/sp/audio/publications/itg2025-reverbfx/checkpoints/";
    private static final String STORM_FOLDER = "https://drive.google.com/drive/folders/1ExFm97obaXTYFoBApWjbK_ypxTP-Cgdq";

    /** One released checkpoint: option id, display name, dataset, rate, file, URL, recommended N and snr. */
    public record Release(String id, String name, String dataset, int sampleRate, String fileName, String url,
                          int steps, double snr, String note) {
        public CatalogEntry entry(String licence) {
            return new CatalogEntry(id, fileName, url, -1, null, licence, false,
                    name + " (" + dataset + ", " + sampleRate / 1000 + " kHz). " + note);
        }

        public ModelOption option() {
            return new ModelOption(id, name, List.of(id), 1, dataset + ", " + sampleRate / 1000 + " kHz. " + note);
        }
    }

    private SpeechCatalog() {
    }

    public static List<Release> sgmse() {
        List<Release> r = new ArrayList<>();
        r.add(new Release("sgmse-vbdmd", "SGMSE+ VoiceBank-DEMAND", "VoiceBank-DEMAND", 16000,
                "sgmse_vbdmd.ckpt", GDRIVE + "1_H3EXvhcYBhOZ9QNUcD5VZHc6ktrRbwQ", 30, 0.5,
                "Denoising; NCSN++, OUVE, PC sampler N 30, snr 0.5."));
        r.add(new Release("sgmse-wsj0-chime3", "SGMSE+ WSJ0-CHiME3", "WSJ0-CHiME3", 16000,
                "sgmse_wsj0_chime3.ckpt", GDRIVE + "16K4DUdpmLhDNC7pJhBBc08pkSIn_yMPi", 30, 0.5,
                "Denoising; NCSN++, OUVE, PC sampler N 30, snr 0.5."));
        r.add(new Release("sgmse-wsj0-reverb", "SGMSE+ WSJ0-REVERB", "WSJ0-REVERB", 16000,
                "sgmse_wsj0_reverb.ckpt", GDRIVE + "1eiOy0VjHh9V9ZUFTxu1Pq2w19izl9ejD", 50, 0.33,
                "Dereverberation; the authors recommend N 50, snr 0.33."));
        r.add(new Release("sgmse-ears-wham", "SGMSE+ EARS-WHAM (48 kHz)", "EARS-WHAM", 48000,
                "sgmse_ears_wham.ckpt", GDRIVE + "1t_DLLk8iPH6nj8M5wGeOP3jFPaz3i7K5", 30, 0.5,
                "Denoising at 48 kHz; NCSN++ 48k, OUVE 2.0/0.1/1.0."));
        r.add(new Release("sgmse-ears-reverb", "SGMSE+ EARS-Reverb (48 kHz)", "EARS-Reverb", 48000,
                "sgmse_ears_reverb.ckpt", GDRIVE + "1PunXuLbuyGkknQCn_y-RCV2dTZBhyE3V", 30, 0.5,
                "Dereverberation at 48 kHz; NCSN++ 48k, OUVE 2.0/0.1/1.0."));
        for (int m : new int[] {1, 2, 3, 5, 6, 7, 8}) {
            r.add(new Release("sgmse-gense-m" + m, "SGMSE training objectives M" + m + " (ICASSP 2025)",
                    "VoiceBank-DEMAND", 16000, "gense_m" + m + ".ckpt", GENSE + "m" + m + ".ckpt", 0, 0.5,
                    "NCSN++ v2; SDE, loss and scalings read from the checkpoint."));
        }
        r.add(new Release("sgmse-sb-vbdmd-ears-wham", "Schrödinger bridge VB-DMD + EARS-WHAM", "VB-DMD + EARS-WHAM",
                16000, "SB_VB-DMD_EARS-WHAM_900k.pt",
                "https://www2.informatik.uni-hamburg.de/sp/audio/publications/lipdiffuser/checkpoints/SB_VB-DMD_EARS-WHAM_900k.pt",
                0, 0.5, "Schrödinger bridge (SBVE), data prediction, ODE sampler with the checkpoint's N."));
        r.add(new Release("sgmse-reverbfx-artificial", "SGMSE+ ReverbFX artificial RIR", "Singing-ReverbFX", 16000,
                "sgmse_artificial_rir_350k.ckpt", REVERBFX + "sgmse_artificial_rir_350k.ckpt", 0, 0.5,
                "Singing-voice dereverberation; settings read from the checkpoint."));
        r.add(new Release("sgmse-reverbfx-natural", "SGMSE+ ReverbFX natural RIR", "Singing-ReverbFX", 16000,
                "sgmse_natural_rir_350k.ckpt", REVERBFX + "sgmse_natural_rir_350k.ckpt", 0, 0.5,
                "Singing-voice dereverberation; settings read from the checkpoint."));
        r.add(new Release("sgmse-reverbfx-sb-artificial", "SB ReverbFX artificial RIR", "Singing-ReverbFX", 16000,
                "sb_artificial_rir_350k.ckpt", REVERBFX + "sb_artificial_rir_350k.ckpt", 0, 0.5,
                "Schrödinger bridge for singing-voice dereverberation; settings read from the checkpoint."));
        return r;
    }

    public static List<Release> storm() {
        String note = "StoRM: NCSN++M predictive denoiser + score model, PC sampler N 50, snr 0.5. Download the file "
                + "from the authors' folder and import it.";
        return List.of(
                new Release("storm-wsj0-chime3", "StoRM WSJ0+CHiME3", "WSJ0+CHiME3", 16000, "storm_wsj0_chime3.ckpt",
                        STORM_FOLDER, 50, 0.5, note),
                new Release("storm-vbdmd", "StoRM VoiceBank-DEMAND", "VoiceBank-DEMAND", 16000, "storm_vbdmd.ckpt",
                        STORM_FOLDER, 50, 0.5, note),
                new Release("storm-timit-chime3", "StoRM TIMIT+CHiME3", "TIMIT+CHiME3", 16000, "storm_timit_chime3.ckpt",
                        STORM_FOLDER, 50, 0.5, note),
                new Release("storm-wsj0-reverb", "StoRM WSJ0+Reverb (dereverberation)", "WSJ0+Reverb", 16000,
                        "storm_wsj0_reverb.ckpt", STORM_FOLDER, 50, 0.5, note),
                new Release("storm-wsj0-wind", "StoRM WSJ0+Wind", "WSJ0+Wind", 16000, "storm_wsj0_wind.ckpt",
                        STORM_FOLDER, 50, 0.5, note));
    }

    static Release find(List<Release> releases, String id) {
        return releases.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + id + "'"));
    }
}
